import { useQueryClient } from '@tanstack/react-query';
import { keys } from '../api/queries';
import type { Me } from '../api/types';
import { navigate } from '../router';

/** After sign-up, log-in or accepting an invitation: remember who we are and open the projects. */
export function useSignedIn(): (me: Me) => void {
  const queryClient = useQueryClient();
  return (me) => {
    queryClient.clear();
    queryClient.setQueryData(keys.me, me);
    navigate('/', { replace: true });
  };
}
