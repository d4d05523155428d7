import { availabilityView } from './free-busy';

const t = (hhmm: string): number => Date.parse(`2026-12-01T${hhmm}:00Z`);

describe('availabilityView', () => {
  it('marks every slot an event overlaps, with the busiest status winning', () => {
    const view = availabilityView(
      [
        { startUtc: t('09:15'), endUtc: t('10:00'), status: 'busy' },
        { startUtc: t('09:00'), endUtc: t('11:00'), status: 'tentative' },
        { startUtc: t('12:00'), endUtc: t('12:30'), status: 'oof' },
        { startUtc: t('13:00'), endUtc: t('14:00'), status: 'workingElsewhere' },
      ],
      t('08:00'),
      t('14:00'),
      30,
    );
    // 08:00 08:30 | 09:00 09:30 busy | 10:00 10:30 tentative | 11:00 11:30 | 12:00 oof 12:30 | 13:00 13:30 (0: working elsewhere)
    expect(view).toBe('002211003000');
  });

  it('gives a short last slot for a window that is not a multiple of the interval, and ignores spans outside', () => {
    expect(
      availabilityView(
        [
          { startUtc: t('09:50'), endUtc: t('10:10'), status: 'busy' },
          { startUtc: t('07:00'), endUtc: t('08:00'), status: 'busy' },
        ],
        t('08:00'),
        t('10:10'),
        60,
      ),
    ).toBe('022');
  });
});
