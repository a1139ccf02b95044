#!/usr/bin/env bash
# The e2e tier alone (dashboard in Debian's Chromium); e2e/stack.ts starts the API, a worker and the dashboard.
exec bash "$(dirname "$0")/test.sh" e2e
