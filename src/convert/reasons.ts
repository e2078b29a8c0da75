// Why a row could not go into an upload file: the codes, their Chinese names and what to do.

// Ordered by priority: a row's first reason in this order names it (a conflicting duplicate cannot be
// fixed by correcting one cell, so it comes first).
export const REASONS = {
  DUPLICATE_CONFLICT: { label: '同一学生多行且数据不一致', todo: '市系统只保留最后一次上传的数据：请确认哪一行正确，删除其余行后重新转换' },
  INVALID_VALUE: { label: '数值不合规', todo: '请在原文件中改正该单元格后重新转换' },
  INVALID_DATE: { label: '日期无法识别', todo: '请改成 2025/09/01 这样的日期后重新转换' },
  MISSING_EXAM_DATE: { label: '缺少体检日期', todo: '请填写体检日期，或运行时用 --exam-date 指定' },
  ID_DAMAGED: { label: '学籍号被 Excel 损坏', todo: '请把学籍号列设为“文本”格式，从原始来源重新复制学籍号' },
  ID_INVALID: { label: '学籍号格式错误', todo: '请核对学籍号（G/J/L 开头共 19 位）后改正' },
  AMBIGUOUS: { label: '多名学生符合，无法确定', todo: '请从候选学生中确认正确的学籍号，改正后重新转换' },
  NOT_IN_ROSTER: { label: '名单中找不到该学生', todo: '请核对学籍号；转入学生请先更新名单（shili roster import），或在市体检系统中手工录入' },
} as const;

export type ReasonCode = keyof typeof REASONS;
export const REASON_CODES = Object.keys(REASONS) as ReasonCode[];

/** One reason for one row, with the detail that names the cell or the other rows. */
export interface RowReason {
  code: ReasonCode;
  /** Chinese, e.g. "单元格 K12（右眼裸眼视力）：6.1 超出范围 3.0–5.3". */
  detail: string;
}

/** The reason that names a row in the error workbook: the first in REASONS order. */
export function primaryReason(reasons: readonly RowReason[]): RowReason {
  let best = reasons[0]!;
  for (const r of reasons) if (REASON_CODES.indexOf(r.code) < REASON_CODES.indexOf(best.code)) best = r;
  return best;
}

/** The 说明 column: every reason's detail, then what to do about the first. */
export function explain(reasons: readonly RowReason[]): string {
  const first = primaryReason(reasons);
  const details = [first, ...reasons.filter((r) => r !== first)].map((r) => r.detail);
  // Normaliser messages usually say what to do already ("…：请核对后改正"); advice is given once.
  const todo = first.detail.includes('请') ? '' : `${REASONS[first.code].todo}。`;
  return `${details.join('；')}。${todo}`;
}
