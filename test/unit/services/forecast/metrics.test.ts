import { describe, expect, it } from 'vitest';
import { computeForecastMetrics } from '../../../../services/forecast/core/index.ts';
import { flat } from './forecast-fixtures.ts';

describe('forecast error metrics (hand-computed)', () => {
  it('MAPE, accuracy = 100 − MAPE, RMS relative error, RMSE and MAE; a 0 kW actual is below the floor', () => {
    const m = computeForecastMetrics([{ forecast: [110, 90, 100, 50], actual: [100, 100, 100, 0] }]);
    // floor = 5 % of mean |A| = 0.05 × 75 = 3.75 kW: the 0 kW point is left out of MAPE only
    expect(m.floorKw).toBeCloseTo(3.75, 12);
    expect(m.points).toBe(4);
    expect(m.mapePoints).toBe(3);
    expect(m.belowFloorPoints).toBe(1);
    expect(m.mapePct).toBeCloseTo((10 + 10 + 0) / 3, 12);
    expect(m.accuracyPct).toBeCloseTo(100 - 20 / 3, 12);
    expect(m.rmsRelativeErrorPct).toBeCloseTo(Math.sqrt((0.01 + 0.01 + 0) / 3) * 100, 12);
    expect(m.rmseKw).toBeCloseTo(Math.sqrt((100 + 100 + 0 + 2500) / 4), 12);
    expect(m.maeKw).toBeCloseTo((10 + 10 + 0 + 50) / 4, 12);
  });

  it('honours an absolute floor in kW', () => {
    const m = computeForecastMetrics([{ forecast: [12, 110], actual: [10, 100] }], { floorKw: 20 });
    expect(m.mapePoints).toBe(1);
    expect(m.mapePct).toBeCloseTo(10, 12);
  });

  it('compares only points both sides know: null is unknown, never 0', () => {
    const m = computeForecastMetrics([{ forecast: [null, 105, 100], actual: [1000, 100, null] }]);
    expect(m.points).toBe(1);
    expect(m.mapePct).toBeCloseTo(5, 12);
    expect(m.rmseKw).toBeCloseTo(5, 12);
  });

  it('pools several days and reports accuracy 0, not negative, past 100 % MAPE', () => {
    const m = computeForecastMetrics([
      { date: '2024-03-01', forecast: [300], actual: [100] },
      { date: '2024-03-02', forecast: [100], actual: [100] },
    ]);
    expect(m.mapePct).toBeCloseTo(100, 12);
    const worse = computeForecastMetrics([{ forecast: [400], actual: [100] }]);
    expect(worse.mapePct).toBeCloseTo(300, 12);
    expect(worse.accuracyPct).toBe(0);
    expect(computeForecastMetrics([]).mapePct).toBeNull();
  });

  it('daily peak error: forecast 450 kW at 11:00 against 500 kW at 10:00 is −10 % and +60 min', () => {
    const actual = flat(200);
    actual[40] = 500;
    const forecast = flat(200);
    forecast[44] = 450;
    const m = computeForecastMetrics([{ date: '2024-03-01', forecast, actual }]);
    expect(m.peaks).toEqual([
      {
        date: '2024-03-01',
        forecastPeakKw: 450,
        forecastPeakTime: '11:00',
        actualPeakKw: 500,
        actualPeakTime: '10:00',
        errorPct: -10,
        offsetMinutes: 60,
      },
    ]);
    expect(m.meanAbsPeakErrorPct).toBe(10);
    expect(m.meanAbsPeakOffsetMinutes).toBe(60);
  });

  it('judges peaks over the points both know, so a missing actual peak does not count as a miss', () => {
    const actual = flat(200);
    actual[40] = null;
    actual[60] = 300;
    const forecast = flat(200);
    forecast[40] = 900; // the actual at 10:00 is unknown: this point is not compared
    forecast[60] = 330;
    const m = computeForecastMetrics([{ forecast, actual }]);
    expect(m.peaks[0]).toMatchObject({ forecastPeakKw: 330, actualPeakKw: 300, offsetMinutes: 0 });
    expect(m.peaks[0]!.errorPct).toBeCloseTo(10, 12);
  });

  it('refuses curves of different length and bad options, naming the field', () => {
    expect(() => computeForecastMetrics([{ forecast: [1, 2], actual: [1] }])).toThrow(
      expect.objectContaining({ code: 'FORECAST_INVALID_INPUT', field: 'pairs[0]' }),
    );
    expect(() => computeForecastMetrics([], { floorShareOfMean: 2 })).toThrow(
      expect.objectContaining({ field: 'metricOptions.floorShareOfMean' }),
    );
  });
});
