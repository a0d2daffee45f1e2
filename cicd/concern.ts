import { TerraformElement, TerraformStack } from 'cdktf';
// cdktf's own id scheme (not exported from its index): ids made here must be the ones it made before.
import { makeUniqueId } from 'cdktf/lib/private/unique';
import { Construct, type Node } from 'constructs';

/**
 * One concern of a ConcernStack: a construct whose id is left out of the logical ids of what it holds.
 * The pipeline's resources were deployed at its stack's top level before the stack was built from one
 * construct per concern; cdktf makes a nested element's logical id from its whole path, and Terraform
 * addresses a resource by that id, so a concern that showed in the path would move every address in it,
 * and the next deploy would destroy and recreate each resource.
 */
export class StackConcern extends Construct {}

/** Two elements of one stack would have the same logical id: Terraform would see only one of them. */
export class DuplicateLogicalIdError extends Error {
  constructor(
    readonly logicalId: string,
    readonly paths: readonly [string, string],
  ) {
    super(`${paths[0]} and ${paths[1]} would both have the logical id "${logicalId}": give one of them another id`);
    this.name = 'DuplicateLogicalIdError';
  }
}

/** A stack whose StackConcerns do not show in logical ids: `artifact_store/artifact_key` is `artifact_key`. */
export abstract class ConcernStack extends TerraformStack {
  // Leaving a path segment out can make two paths one id, which cdktf alone never does: checked here.
  private readonly owners = new Map<string, string>();

  protected override allocateLogicalId(element: TerraformElement | Node): string {
    const node = TerraformElement.isTerraformElement(element) ? element.node : element;
    const path = node.scopes
      .slice(node.scopes.indexOf(this) + 1)
      .filter((scope) => !(scope instanceof StackConcern))
      .map((scope) => scope.node.id);
    const id = path.length > 0 ? makeUniqueId(path) : '';
    const owner = this.owners.get(id);
    if (owner !== undefined && owner !== node.path) throw new DuplicateLogicalIdError(id, [owner, node.path]);
    this.owners.set(id, node.path);
    return id;
  }
}
