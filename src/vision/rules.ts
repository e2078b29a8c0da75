// Every screening threshold and calendar rule, in one place (DOMAIN.md "Values", "Screening rules",
// "School year and semester"). Parsers, graders and writers import from here; never copy a number.
import { ACUITY_BELOW_3 } from '../model/record.js';
import { addDays, isoParts, localToday } from '../normalize/calendar.js';
import { roundTo } from '../normalize/round.js';

export { ACUITY_BELOW_3 };

// --- Acuity ------------------------------------------------------------------------------------

/** 5-point scale (五分记录, GB 11533) range the national platform accepts. */
export const ACUITY_MIN = 3.0;
export const ACUITY_MAX = 5.3;
/** Written for "below 3.0": `0` by the 2021 national rule; one exporter writes `9` / `9.0`. */
export const ACUITY_BELOW_3_CODES: readonly number[] = [0, 9];
/** Decimal notation (小数记录) accepted in 0 < V ≤ 2.0; 2.0 is the chart's top line (5.3). */
export const DECIMAL_ACUITY_MAX = 2.0;

/** GB 11533: L = 5 + log10(V), one decimal (0.8 -> 4.9, 1.5 -> 5.2). */
export function decimalToFivePoint(v: number): number {
  return roundTo(5 + Math.log10(v), 1);
}

/** GB 11533 inverse: V = 10^(L − 5). */
export function fivePointToDecimal(l: number): number {
  return 10 ** (l - 5);
}

// --- Refraction --------------------------------------------------------------------------------

/** Plausible dioptre ranges; screening autorefractors stay well inside them. Chosen here, not from a standard. */
export const SPHERE_MIN = -30;
export const SPHERE_MAX = 30;
export const CYLINDER_MIN = -15;
export const CYLINDER_MAX = 15;
/** Cylinder axis in whole degrees. */
export const AXIS_MIN = 0;
export const AXIS_MAX = 180;

/**
 * SE = S + C/2, rounded to 3 decimals so 0.125 steps compare exactly.
 * A missing cylinder counts as 0: some layouts (Xihu) record sphere only.
 */
export function sphericalEquivalent(sphere: number | null, cylinder: number | null): number | null {
  if (sphere === null) return null;
  return roundTo(sphere + (cylinder ?? 0) / 2, 3);
}

// --- Screening myopia (《儿童青少年近视防控适宜技术指南（更新版）》2021) -----------------------

/** The screening definitions (筛查性近视, 视力不良) apply from this age. */
export const SCREENING_MIN_AGE = 6;
/** An eye counts when UCVA < 5.0 and SE ≤ −0.50 D. */
export const MYOPIA_UCVA_BELOW = 5.0;
export const MYOPIA_SE_AT_MOST = -0.5;
/** 近视程度 bands (*unconfirmed* which scheme Xihu expects): 低度 −3.00 ≤ SE ≤ −0.50, 中度 −6.00 ≤ SE < −3.00, 高度 SE < −6.00. */
export const LOW_MYOPIA_SE_MIN = -3.0;
export const MODERATE_MYOPIA_SE_MIN = -6.0;

export type MyopiaGrade = 'none' | 'low' | 'moderate' | 'high';
export const MYOPIA_GRADE_LABELS: Record<MyopiaGrade, string> = {
  none: '无',
  low: '低度',
  moderate: '中度',
  high: '高度',
};

/** One eye's exam values; acuity on the 5-point scale (ACUITY_BELOW_3 for "below 3.0"). */
export interface EyeValues {
  ucva: number | null;
  sphere: number | null;
  cylinder: number | null;
}

/** Student facts the rules depend on. ageYears null = unknown (Xihu sheets carry no birth date): the rules then apply. */
export interface ScreeningContext {
  ageYears: number | null;
  orthoK: boolean | null;
}

/** OK-lens (角膜塑形镜) wearers' uncorrected acuity is not comparable: no myopia grade, no progress verdict. */
export function hasComparableUcva(orthoK: boolean | null): boolean {
  return orthoK !== true;
}

/** 近视程度 of one SE value; 'none' above −0.50. */
export function seMyopiaGrade(se: number): MyopiaGrade {
  if (se > MYOPIA_SE_AT_MOST) return 'none';
  if (se >= LOW_MYOPIA_SE_MIN) return 'low';
  if (se >= MODERATE_MYOPIA_SE_MIN) return 'moderate';
  return 'high';
}

/** Whether one eye meets 筛查性近视: true/false, or null when a missing value decides it or the student is under 6. */
export function eyeIsMyopic(eye: EyeValues, ageYears: number | null): boolean | null {
  if (ageYears !== null && ageYears < SCREENING_MIN_AGE) return null;
  const lowUcva = eye.ucva === null ? null : tenths(eye.ucva) < tenths(MYOPIA_UCVA_BELOW);
  const se = sphericalEquivalent(eye.sphere, eye.cylinder);
  const minusSe = se === null ? null : se <= MYOPIA_SE_AT_MOST;
  if (lowUcva === false || minusSe === false) return false;
  if (lowUcva === null || minusSe === null) return null;
  return true;
}

/** A student is myopic when either eye is; null when OK-lens, under 6, or missing values leave it open. */
export function studentIsMyopic(right: EyeValues, left: EyeValues, ctx: ScreeningContext): boolean | null {
  if (!hasComparableUcva(ctx.orthoK)) return null;
  const r = eyeIsMyopic(right, ctx.ageYears);
  const l = eyeIsMyopic(left, ctx.ageYears);
  if (r === true || l === true) return true;
  if (r === false && l === false) return false;
  return null;
}

/** 近视程度 from the most negative SE among the eyes that count; null for OK-lens wearers or when undecidable. */
export function myopiaGrade(right: EyeValues, left: EyeValues, ctx: ScreeningContext): MyopiaGrade | null {
  const myopic = studentIsMyopic(right, left, ctx);
  if (myopic !== true) return myopic === false ? 'none' : null;
  let worst: number | null = null;
  for (const eye of [right, left]) {
    if (eyeIsMyopic(eye, ctx.ageYears) !== true) continue;
    const se = sphericalEquivalent(eye.sphere, eye.cylinder)!;
    if (worst === null || se < worst) worst = se;
  }
  return seMyopiaGrade(worst!);
}

// --- Low vision (视力不良) ---------------------------------------------------------------------

/** 视力不良 grades by UCVA: 轻度 4.9, 中度 4.6–4.8, 重度 ≤ 4.5; 5.0 and above is normal. */
export const LOW_VISION_MILD = 4.9;
export const LOW_VISION_MODERATE_MIN = 4.6;

export type LowVisionGrade = 'none' | 'mild' | 'moderate' | 'severe';
export const LOW_VISION_GRADE_LABELS: Record<LowVisionGrade, string> = {
  none: '正常',
  mild: '轻度',
  moderate: '中度',
  severe: '重度',
};

/** Grade of one eye's UCVA; null when unknown or the student is under 6. ACUITY_BELOW_3 is 重度. */
export function lowVisionGrade(acuity: number | null, ageYears: number | null = null): LowVisionGrade | null {
  if (acuity === null || (ageYears !== null && ageYears < SCREENING_MIN_AGE)) return null;
  const t = tenths(acuity);
  if (t > tenths(LOW_VISION_MILD)) return 'none';
  if (t === tenths(LOW_VISION_MILD)) return 'mild';
  if (t >= tenths(LOW_VISION_MODERATE_MIN)) return 'moderate';
  return 'severe';
}

// --- School year and semester ------------------------------------------------------------------

export interface MonthDay {
  month: number;
  day: number;
}

/** No official boundary exists (DOMAIN.md): a setting. 学年 starts with the first term. */
export interface SemesterSettings {
  /** 第一学期 (秋季) starts; it also starts the 学年. Default 1 September. */
  firstTermStart: MonthDay;
  /** 第二学期 (春季) starts; must fall earlier in the calendar year than firstTermStart. Default 1 February. */
  secondTermStart: MonthDay;
}

export const DEFAULT_SEMESTER_SETTINGS: SemesterSettings = {
  firstTermStart: { month: 9, day: 1 },
  secondTermStart: { month: 2, day: 1 },
};

export type Term = 1 | 2;
export const TERM_LABELS: Record<Term, string> = { 1: '第一学期', 2: '第二学期' };
/** The Xihu sheet names terms by season. */
export const TERM_SEASONS: Record<Term, string> = { 1: '秋季', 2: '春季' };

/** First calendar year of the 学年 a date falls in (2026-01-15 -> 2025). */
export function schoolYearStart(date: string, settings: SemesterSettings = DEFAULT_SEMESTER_SETTINGS): number {
  const { y, m, d } = isoParts(date);
  return m * 100 + d >= monthDayKey(settings.firstTermStart) ? y : y - 1;
}

/** "2025-2026学年". */
export function schoolYear(date: string, settings: SemesterSettings = DEFAULT_SEMESTER_SETTINGS): string {
  const start = schoolYearStart(date, settings);
  return `${start}-${start + 1}学年`;
}

/** 1 = 第一学期 (秋季), 2 = 第二学期 (春季). */
export function semester(date: string, settings: SemesterSettings = DEFAULT_SEMESTER_SETTINGS): Term {
  const { m, d } = isoParts(date);
  const key = m * 100 + d;
  return key >= monthDayKey(settings.firstTermStart) || key < monthDayKey(settings.secondTermStart) ? 1 : 2;
}

/** Whole years of age on a date; null when either date is missing or the date precedes birth. */
export function ageAt(birth: string | null, date: string | null): number | null {
  if (birth === null || date === null) return null;
  const b = isoParts(birth);
  const t = isoParts(date);
  const age = t.y - b.y - (t.m * 100 + t.d < b.m * 100 + b.d ? 1 : 0);
  return age < 0 ? null : age;
}

// --- Plausible dates ---------------------------------------------------------------------------

export interface DateRange {
  min: string;
  max: string;
}

/** Exam dates before this are typos (screening data on the platform starts well after). */
export const EXAM_DATE_EARLIEST = '2000-01-01';
/** One day ahead tolerates time-zone and midnight differences. */
export const EXAM_DATE_DAYS_AHEAD = 1;
/** No student in school is born before this. */
export const BIRTH_DATE_EARLIEST = '1990-01-01';

export function examDateRange(today: string = localToday()): DateRange {
  return { min: EXAM_DATE_EARLIEST, max: addDays(today, EXAM_DATE_DAYS_AHEAD) };
}

export function birthDateRange(today: string = localToday()): DateRange {
  return { min: BIRTH_DATE_EARLIEST, max: today };
}

export function isPlausibleExamDate(date: string, today: string = localToday()): boolean {
  const r = examDateRange(today);
  return date >= r.min && date <= r.max;
}

export function isPlausibleBirthDate(date: string, today: string = localToday()): boolean {
  const r = birthDateRange(today);
  return date >= r.min && date <= r.max;
}

// --- helpers -----------------------------------------------------------------------------------

function monthDayKey(md: MonthDay): number {
  return md.month * 100 + md.day;
}

/** Acuity in integer tenths, so 4.9 compares exactly whatever its float form. */
function tenths(acuity: number): number {
  return Math.round(acuity * 10);
}
