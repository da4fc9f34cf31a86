import { countProblems, type Problem } from '../problems.ts';

/** How `playbill lint` prints problems. */
export type ProblemFormat = 'text' | 'json' | 'github';

function where(p: Problem, file: string): string {
  return `${file}${p.line ? `:${p.line}` : ''}${p.column ? `:${p.column}` : ''}`;
}

/** Escapes a workflow command's message (GitHub's rules for `::error ...::message`). */
function escapeData(text: string): string {
  return text.replaceAll('%', '%25').replaceAll('\r', '%0D').replaceAll('\n', '%0A');
}

/** Escapes a workflow command's property value. */
function escapeProperty(text: string): string {
  return escapeData(text).replaceAll(':', '%3A').replaceAll(',', '%2C');
}

/**
 * Renders problems for a terminal, for tools (JSON), or as GitHub workflow annotations that
 * show on the offending lines of a pull request. `pathOf` maps a problem to the path to show.
 */
export function formatProblems(problems: readonly Problem[], format: ProblemFormat, pathOf: (p: Problem) => string): string {
  if (format === 'json') return `${JSON.stringify(problems.map((p) => ({ ...p, file: pathOf(p) })), null, 2)}\n`;
  const { errors, warnings } = countProblems(problems);
  const summary = `${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}`;
  if (format === 'github') {
    const lines = problems.map((p) => {
      const props = [`file=${escapeProperty(pathOf(p))}`];
      if (p.line) props.push(`line=${p.line}`);
      if (p.column) props.push(`col=${p.column}`);
      props.push(`title=${escapeProperty(p.entityRef ? `Playbill: ${p.entityRef}` : 'Playbill')}`);
      return `::${p.severity === 'error' ? 'error' : 'warning'} ${props.join(',')}::${escapeData(p.message)}`;
    });
    return `${[...lines, `Playbill lint: ${summary}`].join('\n')}\n`;
  }
  const lines = problems.map((p) => `${where(p, pathOf(p))}  ${p.severity}  ${p.message}${p.entityRef ? `  (${p.entityRef})` : ''}`);
  return `${[...lines, problems.length === 0 ? 'No problems found.' : summary].join('\n')}\n`;
}
