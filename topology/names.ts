/**
 * Resource names. Every deployed resource is `dofs-<environment>-<base>`, keeping the seed's base names
 * (orders, failed_orders, order_queue, order_dlq) so the README's commands still read naturally.
 */
export const PROJECT = 'dofs';

export type Environment = string;

export function resourceName(environment: Environment, base: string): string {
  return `${PROJECT}-${environment}-${base}`;
}
