// Every error the readers raise, in one place, so the Chinese wording and the
// suggested fix stay consistent across sniffing, zip, xlsx and CSV code.
import { ShiliError, type Location } from '../errors.js';

const RESAVE_XLSX = '请在 Excel 或 WPS 中打开它，另存为“Excel 工作簿（*.xlsx）”后再试';

export function fileNotFound(file: string, cause?: unknown): ShiliError {
  return new ShiliError('FILE_NOT_FOUND', '找不到这个文件', {
    hint: '请检查路径和文件名是否写对（包括扩展名），或把文件拖进命令行窗口以得到完整路径',
    location: { file },
    cause,
  });
}

export function fileUnreadable(file: string, cause?: unknown): ShiliError {
  return new ShiliError('FILE_UNREADABLE', '无法读取这个文件', {
    hint: '请确认它是一个文件而不是文件夹、你有读取权限，并且没有被其他程序独占；如果它正在 Excel 或 WPS 中打开，请先关闭再试',
    location: { file },
    cause,
  });
}

export function notRegularFile(file: string): ShiliError {
  return new ShiliError('FILE_UNREADABLE', '这不是一个普通文件（是管道或套接字）', {
    hint: '请指定保存在磁盘上的 .xlsx 或 .csv 文件',
    location: { file },
  });
}

export function fileEmpty(file: string): ShiliError {
  return new ShiliError('FILE_EMPTY', '这个文件是空的（0 字节）', {
    hint: '请确认选对了文件；如果是从平台导出的，请重新导出一次',
    location: { file },
  });
}

export function xlsUnsupported(file: string): ShiliError {
  return new ShiliError('XLS_UNSUPPORTED', '这是旧版 Excel 97-2003（.xls）文件，shili 只读 .xlsx', {
    hint: RESAVE_XLSX,
    location: { file },
  });
}

/** Files that carry an .xls name but hold an HTML page or an Excel 2003 XML spreadsheet (common platform exports). */
export function disguisedSpreadsheet(file: string, kind: 'html' | 'xml2003'): ShiliError {
  const what = kind === 'html' ? '网页（HTML）格式的表格' : 'Excel 2003 XML 表格';
  return new ShiliError('FORMAT_UNSUPPORTED', `这个文件实际上是${what}，不是 .xlsx 或 CSV`, {
    hint: RESAVE_XLSX,
    location: { file },
  });
}

/** A picture, PDF or archive renamed to .xlsx/.csv: neither format fits, and no encoding would help. */
export function notSpreadsheet(file: string, what?: string): ShiliError {
  const message = what
    ? `这个文件实际上是 ${what}，不是表格文件（不是 CSV，也不是真正的 .xlsx）`
    : '这个文件不是表格文件（不是 CSV，也不是真正的 .xlsx），里面是图片、压缩包之类的二进制内容';
  return new ShiliError('FORMAT_UNSUPPORTED', message, {
    hint: '改扩展名不会把它变成表格。请确认选对了文件；如果数据在 Excel 或 WPS 里，请在其中打开，另存为“Excel 工作簿（*.xlsx）”后再试',
    location: { file },
  });
}

export function xlsxEncrypted(file: string): ShiliError {
  return new ShiliError('XLSX_ENCRYPTED', '这个工作簿设置了打开密码，shili 无法读取加密的文件', {
    hint: '请在 Excel 中打开它（输入密码），点“文件 → 信息 → 保护工作簿 → 用密码进行加密”，清空密码并确定，然后保存后再试；WPS 中在“文件 → 文档加密 → 密码加密”里清除打开密码',
    location: { file },
  });
}

export function xlsxCorrupt(file: string, detail?: string, cause?: unknown, where?: Omit<Location, 'file'>): ShiliError {
  const message = detail ? `文件已损坏或不是真正的 .xlsx 文件（${detail}）` : '文件已损坏或不是真正的 .xlsx 文件';
  return new ShiliError('XLSX_CORRUPT', message, {
    hint: `如果文件能在 Excel 或 WPS 中打开，请另存为“Excel 工作簿（*.xlsx）”后再试；否则请重新从平台导出或重新拷贝文件`,
    location: { file, ...where },
    cause,
  });
}

/** A Word or PowerPoint file under an .xlsx name: a package like a workbook, but with no cells to read. */
export function officeNotExcel(file: string, app: 'Word' | 'PowerPoint'): ShiliError {
  const what = app === 'Word' ? 'Word 文档' : 'PowerPoint 演示文稿';
  return new ShiliError('XLSX_CORRUPT', `这是 ${what}，不是 Excel 工作簿（不是真正的 .xlsx 文件）`, {
    hint: `请确认选对了文件。如果名单是 ${what}中的表格，请把表格复制到 Excel 或 WPS 表格中，另存为“Excel 工作簿（*.xlsx）”后再试`,
    location: { file },
  });
}

/** `detail` says what was too large, e.g. "解压后约 3072 MB，上限 2048 MB". */
export function xlsxTooLarge(file: string, part: string, detail: string): ShiliError {
  return new ShiliError('XLSX_TOO_LARGE', `文件内部的“${part}”过大（${detail}），可能是损坏或恶意构造的文件`, {
    hint: '如果这是正常的数据表，请把它拆分成几个较小的工作簿，或在 Excel/WPS 中删除多余的空行空列后另存再试',
    location: { file },
  });
}

/**
 * A workbook without a worksheet. `others` are the sheets it does have (chart,
 * dialog or macro sheets): naming them tells the user why nothing is readable.
 */
export function xlsxNoSheet(file: string, others: readonly { name: string; kind: 'chartsheet' | 'other' }[] = []): ShiliError {
  const names = others.map((s) => `「${s.name}」`).join('、');
  if (others.length > 0 && others.every((s) => s.kind === 'chartsheet')) {
    return new ShiliError('XLSX_NO_SHEET', `这个工作簿里只有图表工作表（${names}），没有数据工作表`, {
      hint: '图表工作表里只有图表，没有单元格数据。请找到存放数据的那个工作簿再试；或在 Excel/WPS 中把数据放到普通工作表里再保存',
      location: { file },
    });
  }
  const message = others.length > 0 ? `这个工作簿里只有图表、对话框或宏表（${names}），没有数据工作表` : '这个工作簿里一个工作表也没有';
  return new ShiliError('XLSX_NO_SHEET', message, {
    hint: '请确认选对了文件，或在 Excel/WPS 中把数据放到普通工作表里再保存',
    location: { file },
  });
}

export function sheetNotFound(file: string, wanted: string | number, available: string[]): ShiliError {
  const list = available.length ? available.map((n) => `「${n}」`).join('、') : '（无）';
  const what = typeof wanted === 'number' ? `第 ${wanted + 1} 个工作表` : `名为「${wanted}」的工作表`;
  return new ShiliError('SHEET_NOT_FOUND', `找不到${what}`, {
    hint: `这个工作簿中的工作表有：${list}。请用其中一个名称（或从 0 开始的序号）重新指定`,
    location: { file },
  });
}

export function csvInvalid(file: string, line: number, detail: string): ShiliError {
  return new ShiliError('CSV_INVALID', `CSV 格式有误：${detail}`, {
    hint: `请用记事本或 Excel 打开文件，检查第 ${line} 行附近的英文双引号是否成对；或在 Excel/WPS 中打开后另存为 .xlsx 再试`,
    location: { file, row: line },
  });
}

export function csvEncoding(file: string, encoding: string, line: number, cause?: unknown): ShiliError {
  const other = encoding === 'utf-8' ? 'gb18030' : 'utf-8';
  const loc: Location = { file, row: line };
  return new ShiliError('CSV_ENCODING', `按 ${encoding} 编码读取时遇到无法识别的字符`, {
    hint: `文件里可能混用了几种编码。请用 --encoding ${other} 重试，或在 Excel/WPS 中打开后另存为 .xlsx 再试`,
    location: loc,
    cause,
  });
}
