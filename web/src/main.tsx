import { QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App, isPublicPath } from './App';
import { createQueryClient } from './api/queries';
import { navigate } from './router';
import './styles/index.css';

const queryClient = createQueryClient(() => {
  if (!isPublicPath(window.location.pathname)) navigate('/login', { replace: true });
});

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <App />
    </QueryClientProvider>
  </StrictMode>,
);
