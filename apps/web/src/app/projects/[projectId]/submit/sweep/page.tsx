'use client';
import { Suspense } from 'react';
import { SubmitSweepForm } from './SubmitSweepForm.js';

export default function SubmitSweepPage() {
  return (
    <Suspense>
      <SubmitSweepForm />
    </Suspense>
  );
}
