import { createContext, useContext } from 'react';
import type { Me } from '../api/types';

export const MeContext = createContext<Me | null>(null);

/** The signed-in user and account; only inside the signed-in part of the app. */
export function useCurrentMe(): Me {
  const me = useContext(MeContext);
  if (!me) throw new Error('useCurrentMe outside a signed-in page');
  return me;
}

/** What the current role may do; the server checks it again. */
export function usePermissions() {
  const { user } = useCurrentMe();
  return {
    role: user.role,
    canWrite: user.role === 'owner' || user.role === 'admin',
    isOwner: user.role === 'owner',
  };
}
