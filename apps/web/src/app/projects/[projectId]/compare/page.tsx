'use client';
import { Suspense } from 'react';
import { CompareRuns } from './CompareRuns.js';

export default function ComparePage() {
  return (
    <Suspense>
      <CompareRuns />
    </Suspense>
  );
}
