// JUnit XML for CI systems: one testsuite, one testcase per check.
import type { CheckReport } from '../types.js';
import { xmlText } from './escape.js';
import type { Reporter } from './types.js';

function findingLines(check: CheckReport, statuses: ReadonlyArray<string>): string {
  return check.findings
    .filter((finding) => statuses.includes(finding.status))
    .map((finding) => xmlText(`${finding.status.toUpperCase()} ${finding.message}${finding.path ? ` (${finding.path})` : ''}`))
    .join('\n');
}

function testcase(check: CheckReport): string {
  const open = `  <testcase classname="marketplace-image-agent" name="${xmlText(check.id)}" time="${(check.durationMs / 1000).toFixed(3)}">`;
  const body: string[] = [];
  if (check.status === 'fail') {
    body.push(`    <failure message="${xmlText(check.summary)}" type="fail">${findingLines(check, ['fail', 'error'])}</failure>`);
  } else if (check.status === 'error') {
    body.push(`    <error message="${xmlText(check.summary)}" type="error">${findingLines(check, ['error'])}</error>`);
  } else if (check.status === 'skip') {
    body.push(`    <skipped message="${xmlText(check.summary)}"/>`);
  }
  const warnings = findingLines(check, ['warn']);
  if (warnings) body.push(`    <system-out>${warnings}</system-out>`);
  return body.length === 0 ? `${open}</testcase>` : [open, ...body, '  </testcase>'].join('\n');
}

export const junitReporter: Reporter = {
  name: 'junit',
  report(report) {
    const { summary } = report;
    const attributes = [
      `name="${xmlText(report.agent.name)}"`,
      `tests="${report.checks.length}"`,
      `failures="${summary.fail}"`,
      `errors="${summary.error}"`,
      `skipped="${summary.skip}"`,
      `time="${(report.durationMs / 1000).toFixed(3)}"`,
      `timestamp="${report.startedAt}"`,
    ];
    return [
      '<?xml version="1.0" encoding="UTF-8"?>',
      `<testsuite ${attributes.join(' ')}>`,
      ...report.checks.map(testcase),
      '</testsuite>',
      '',
    ].join('\n');
  },
};
