import { csvCell } from '../common/csv';
import { EndpointsReport, Summary, VisitEndpoints } from './endpoints';

/**
 * The endpoints table as CSV, long format: one row per visit and measure, so a spreadsheet can
 * filter by either. Summary measures fill n…max, rates fill count…ciHigh.
 */
export const ENDPOINTS_CSV_HEADER = [
  'visit',
  'order',
  'plannedDay',
  'baseline',
  'measure',
  'n',
  'mean',
  'sd',
  'median',
  'q1',
  'q3',
  'min',
  'max',
  'count',
  'rate',
  'ciLow',
  'ciHigh',
  'subjects',
];

const NO_SUMMARY = ['', '', '', '', '', '', ''];

function visitCells(visit: VisitEndpoints): unknown[] {
  return [visit.visit, visit.order, visit.plannedDay, visit.baseline];
}

function summaryLine(visit: VisitEndpoints, measure: string, summary: Summary): unknown[] {
  const { n, mean, sd, median, q1, q3, min, max } = summary;
  return [...visitCells(visit), measure, n, mean, sd, median, q1, q3, min, max, '', '', '', '', ''];
}

export function endpointsCsv(report: EndpointsReport): string {
  const lines: unknown[][] = [ENDPOINTS_CSV_HEADER];
  for (const visit of report.visits) {
    lines.push(summaryLine(visit, 'salt', visit.salt));
    if (visit.change) lines.push(summaryLine(visit, 'change', visit.change));
    if (visit.percentChange) lines.push(summaryLine(visit, 'percentChange', visit.percentChange));
    for (const rate of visit.rates) {
      lines.push([
        ...visitCells(visit),
        rate.criterion,
        rate.n,
        ...NO_SUMMARY,
        rate.count,
        rate.rate,
        rate.ciLow,
        rate.ciHigh,
        '',
      ]);
    }
    const lists = [
      ['notFinal', visit.notFinal],
      ['noBaseline', visit.noBaseline],
      ['baselineZero', visit.baselineZero],
    ] as const;
    for (const [measure, list] of lists) {
      if (!list.count) continue;
      lines.push([
        ...visitCells(visit),
        measure,
        '',
        ...NO_SUMMARY,
        list.count,
        '',
        '',
        '',
        list.subjects.join(';'),
      ]);
    }
  }
  return lines.map((line) => line.map(csvCell).join(',')).join('\r\n') + '\r\n';
}
