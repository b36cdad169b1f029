import { useQueryClient } from '@tanstack/react-query';
import { keys } from '../../api/queries';
import type { Project } from '../../api/types';

/** Keeps the page and the list in step after any change the server answered with the new project. */
export function useProjectSaved() {
  const queryClient = useQueryClient();
  return (project: Project) => {
    queryClient.setQueryData(keys.project(project.id), project);
    void queryClient.invalidateQueries({ queryKey: keys.projects, exact: true });
  };
}
