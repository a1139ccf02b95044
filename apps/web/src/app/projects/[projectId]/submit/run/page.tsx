'use client';
import { Suspense } from 'react';
import { SubmitRunForm } from './SubmitRunForm.js';

export default function SubmitRunPage() {
  return (
    <Suspense>
      <SubmitRunForm />
    </Suspense>
  );
}
