import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { CalendarError } from '../../../../../lib/domain/index.ts';
import { DataIssueError, inputIssues, parseOrThrow } from '../../../../../lib/domain/index.ts';
import { TariffError } from '../../../../../lib/domain/index.ts';
import { LoadCurveError } from '../../../../../lib/load-curve/index.ts';
import { AdviceError } from '../../../../../services/advice/core/index.ts';
import { ForecastError, forecastDay } from '../../../../../services/forecast/core/index.ts';
import { OrderlyError } from '../../../../../services/orderly/core/index.ts';
import { OutageError } from '../../../../../services/outages/core/index.ts';
import { ReportInputError } from '../../../../../services/reports/core/index.ts';
import { thrownBy } from '../../../../support/thrown.ts';

describe('one base for data and input errors (conventions.md §9, §10: 400 naming the field)', () => {
  it('every area error is a DataIssueError with its stable code, the first field and every issue', () => {
    const errors = [
      new CalendarError('CALENDAR_INVALID', 'calendar is invalid: years.2025: bad', [
        { path: 'years.2025', message: 'bad' },
      ]),
      new TariffError('TARIFF_BAD_ARGUMENT', 'power factor 1.2 must be between 0 and 1'),
      new LoadCurveError('history[0].kw', 'must hold 96 values'),
      new ForecastError('to', 'must not be before from'),
      new AdviceError('capacityKw', 'must be a positive number of kW'),
      new ReportInputError('period', 'toMs must be after fromMs'),
      new OrderlyError([
        { path: 'window.start', message: 'must be on a 15-minute boundary' },
        { path: 'limit.capKw', message: 'must be ≥ 0' },
      ]),
      new OutageError('period.end', 'must be after period.start'),
    ];
    for (const err of errors) expect(err).toBeInstanceOf(DataIssueError);
    expect(errors.map((e) => [e.code, e.field])).toEqual([
      ['CALENDAR_INVALID', 'years.2025'],
      ['TARIFF_BAD_ARGUMENT', undefined],
      ['LOAD_CURVE_INVALID', 'history[0].kw'],
      ['FORECAST_INVALID_INPUT', 'to'],
      ['ADVICE_INVALID_INPUT', 'capacityKw'],
      ['REPORT_INVALID_INPUT', 'period'],
      ['ORDERLY_INVALID_INPUT', 'window.start'],
      ['OUTAGE_INVALID_INPUT', 'period.end'],
    ]);
    expect(errors[6]!.message).toBe('window.start: must be on a 15-minute boundary; limit.capKw: must be ≥ 0');
    expect(errors[3]!.issues).toEqual([{ path: 'to', message: 'must not be before from' }]);
  });

  it('turns zod issues into data issues, under a prefix or at a named root', () => {
    const schema = z.object({ decay: z.number().gt(0), days: z.number().int() });
    const err = thrownBy(() =>
      parseOrThrow(schema, { decay: 0, days: 1.5 }, (issues) => new ForecastError(issues), { under: 'options' }),
    );
    expect(err.issues!.map((i) => i.path)).toEqual(['options.decay', 'options.days']);
    expect(err.field).toBe('options.decay');
    const root = thrownBy(() => parseOrThrow(schema, 'x', (issues) => new OrderlyError(issues), { root: '(order)' }));
    expect(root.field).toBe('(order)');
    expect(parseOrThrow(schema, { decay: 1, days: 2 }, () => new Error('unreachable'))).toEqual({ decay: 1, days: 2 });
    expect(inputIssues('x', 'bad')).toEqual(['x: bad', [{ path: 'x', message: 'bad' }]]);
  });

  it('reports every bad forecast option, not only the first', () => {
    const err = thrownBy(() =>
      forecastDay({
        history: [],
        targetDate: '2024-03-18',
        dayTypeOf: () => 'workday',
        options: { decay: 0, similarDays: 0 },
      }),
    );
    expect(err.code).toBe('FORECAST_INVALID_INPUT');
    expect(err.issues!.map((i) => i.path).sort()).toEqual(['options.decay', 'options.similarDays']);
  });
});
