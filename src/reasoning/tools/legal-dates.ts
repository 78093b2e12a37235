import { HangjiaError } from '../../errors/index.js';

export type DateUnit = 'day' | 'month' | 'year';

const DATE = /^(\d{4})-(\d{1,2})-(\d{1,2})$/u;
const DAY_MS = 86_400_000;

function parseDate(value: string, name: string): Date {
  const match = DATE.exec(value.normalize('NFKC').trim().replace(/[年月/.]/gu, '-').replace(/日$/u, ''));
  const date = match === null ? undefined : new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  if (match === null || date === undefined || date.getUTCDate() !== Number(match[3]) || date.getUTCMonth() !== Number(match[2]) - 1) {
    throw new HangjiaError('E_DATE', `${name} must be a date like 2024-03-31 (or 2024年3月31日); got "${value}".`, { details: { [name]: value } });
  }
  return date;
}

const format = (date: Date): string => date.toISOString().slice(0, 10);

/**
 * The last day of a period of `amount` days, months or years starting on `date`, counted as the
 * Civil Code counts periods (民法典 第二百零一条): the starting day is not counted, so a period of
 * N days ends N days later; a period of months or years ends on the same day of the last month,
 * or on that month's last day when it has no such day (2024-01-31 + 1 month → 2024-02-29).
 * Statutory holidays (第二百零三条: a period ending on one ends on the next working day) are not
 * known here: the caller is told in `note`.
 *
 * @example
 * addToDate('2024-01-31', 1, 'month') // → { date: '2024-02-29', … }
 */
export function addToDate(date: string, amount: number, unit: DateUnit): { date: string; note: string } {
  const start = parseDate(date, 'date');
  if (!Number.isInteger(amount)) throw new HangjiaError('E_DATE', `amount must be a whole number of ${unit}s; got ${amount}.`, { details: { amount } });
  let end: Date;
  if (unit === 'day') end = new Date(start.getTime() + amount * DAY_MS);
  else {
    const months = unit === 'month' ? amount : amount * 12;
    const target = new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + months, 1));
    const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
    end = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth(), Math.min(start.getUTCDate(), lastDay)));
  }
  return { date: format(end), note: '起算日不计入（民法典第二百零一条）；期间最后一日是法定休假日的，以休假日结束的次日为期间的最后一日（第二百零三条），此处未计入节假日。' };
}

/**
 * The time from `from` to `to`: whole days, and whole months and years as {@link addToDate} counts
 * them (the largest N with from + N months ≤ to). Negative when `to` is earlier.
 *
 * @example
 * dateDifference('2024-01-15', '2024-04-14') // → { days: 90, months: 2, years: 0 }
 */
export function dateDifference(from: string, to: string): { days: number; months: number; years: number } {
  const start = parseDate(from, 'from');
  const end = parseDate(to, 'to');
  const days = Math.round((end.getTime() - start.getTime()) / DAY_MS);
  const sign = days < 0 ? -1 : 1;
  const [early, late] = sign < 0 ? [to, from] : [from, to];
  let months = (parseDate(late, 'to').getUTCFullYear() - parseDate(early, 'from').getUTCFullYear()) * 12 + parseDate(late, 'to').getUTCMonth() - parseDate(early, 'from').getUTCMonth();
  if (months > 0 && addToDate(early, months, 'month').date > late) months -= 1;
  const years = Math.trunc(months / 12);
  // `|| 0` keeps -0 out of results (0 * -1).
  return { days, months: sign * months || 0, years: sign * years || 0 };
}
