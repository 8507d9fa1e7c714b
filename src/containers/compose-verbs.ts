/**
 * The compose verbs that make containers. `--pull never` on top of the file's `pull_policy: never`:
 * images reach the host only through ImageChecker and IMAGE_PULL_POLICY, never as a side effect.
 */
export const CREATE_ARGS = ['create', '--no-build', '--pull', 'never'];
export const UP_ARGS = ['up', '-d', '--no-build', '--pull', 'never', '--remove-orphans'];
