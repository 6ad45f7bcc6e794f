import type { Finding } from '../analyze/finding.ts';

/**
 * Moves a finding whose write lies inside a dependency to the last frame of the writing thread that
 * is in the project: the call in the user's code that leads there. GitHub shows only locations in the
 * repository, and that call is what the user can change. The witness keeps going into the dependency.
 * Returns undefined when no frame is in the project (the dependency races with itself).
 */
export function relocateToProject(finding: Finding, inProject: (fileId: string) => boolean, dependencyPath: string | undefined): Finding | undefined {
  const steps = finding.threads[0]?.steps ?? [];
  let last = -1;
  steps.forEach((step, index) => {
    if (inProject(step.fileId)) last = index;
  });
  if (last < 0) return undefined;
  const frame = steps[last]!;
  const write = steps[steps.length - 1];
  return {
    ...finding,
    location: { fileId: frame.fileId, span: frame.span },
    message: `This call leads into ${dependencyPath ?? 'a dependency'}, where ${finding.message}`,
    related: [
      ...finding.related.filter((related) => !related.message.startsWith('the write:')),
      ...(write ? [{ fileId: finding.location.fileId, span: finding.location.span, message: `the environment write in the dependency: ${write.message}` }] : []),
    ],
  };
}
