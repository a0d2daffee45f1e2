import { PROJECT } from '../topology/names';

/**
 * Every stack is named `<project>-<environment>`: dofs-dev and dofs-prod, and the pipeline's own dofs-cicd
 * and dofs-bootstrap. The app names its stacks with it, and the pipeline the stacks it deploys (and their
 * state keys), so the two cannot name them differently.
 */
export const stackName = (environment: string) => `${PROJECT}-${environment}`;
