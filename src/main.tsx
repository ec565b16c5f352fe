import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');

createRoot(root).render(
  <StrictMode>
    <main>
      <h1>Repair Shop · Live Dashboard</h1>
      <p>The dashboard is being built.</p>
    </main>
  </StrictMode>,
);
