export interface TableColumn {
  header: string;
  width: number;
  align: 'left' | 'right';
}

/** A cell's text, and optionally a smaller grey line under it (an item's SKU). */
export type TableCell = string | { text: string; detail: string };

export interface TableStyle {
  font: string;
  boldFont: string;
  fontSize: number;
  detailFontSize: number;
  mutedColor: string;
  ruleColor: string;
}

// Half the gap between two columns. The outer edges get none, so the table
// lines up with the text above and below it.
const GUTTER = 6;
const ROW_PADDING_Y = 4;

/**
 * Draws a table from the document's current position and leaves doc.y below
 * it. A row that would cross the page's bottom margin starts a new page,
 * which repeats the header row so every page reads on its own. Rows are
 * measured before they are drawn, so a wrapped cell is never split.
 * pdfkit's own doc.table() neither repeats the header nor lets a cell hold
 * two type sizes, hence this small drawer.
 */
export function drawTable(
  doc: PDFKit.PDFDocument,
  columns: TableColumn[],
  rows: TableCell[][],
  style: TableStyle,
): void {
  const left = doc.page.margins.left;
  const width = sumWidths(columns);
  // Where each column's text goes: its share of the width, less the gutters inside the table.
  const boxes: Box[] = columns.map((column, index) => {
    const padLeft = index === 0 ? 0 : GUTTER;
    const padRight = index === columns.length - 1 ? 0 : GUTTER;
    const x = left + sumWidths(columns.slice(0, index)) + padLeft;
    return { ...column, x, width: column.width - padLeft - padRight };
  });

  const rule = (y: number, lineWidth: number, color: string) =>
    drawRule(doc, left, left + width, y, lineWidth, color);

  const drawHeader = () => {
    doc.font(style.boldFont, style.fontSize).fillColor('black');
    const top = doc.y;
    for (const box of boxes) {
      doc.text(box.header, box.x, top + ROW_PADDING_Y, { width: box.width, align: box.align });
    }
    doc.y = top + doc.currentLineHeight(true) + 2 * ROW_PADDING_Y;
    rule(doc.y, 1, 'black');
  };

  const cellHeight = (cell: TableCell, box: Box) => {
    const { text, detail } = typeof cell === 'string' ? { text: cell, detail: undefined } : cell;
    let height = doc.font(style.font, style.fontSize).heightOfString(text, { width: box.width });
    if (detail) height += doc.fontSize(style.detailFontSize).heightOfString(detail, { width: box.width });
    return height;
  };

  const drawCell = (cell: TableCell, box: Box, y: number) => {
    const { text, detail } = typeof cell === 'string' ? { text: cell, detail: undefined } : cell;
    const options = { width: box.width, align: box.align };
    doc.font(style.font, style.fontSize).fillColor('black').text(text, box.x, y, options);
    if (detail) doc.fontSize(style.detailFontSize).fillColor(style.mutedColor).text(detail, options);
  };

  drawHeader();
  rows.forEach((row, rowIndex) => {
    const cells = boxes.map((box, index) => ({ box, cell: row[index] ?? '' }));
    const height = Math.max(...cells.map(({ cell, box }) => cellHeight(cell, box))) + 2 * ROW_PADDING_Y;
    if (doc.y + height > doc.page.maxY()) {
      doc.addPage();
      drawHeader();
    } else if (rowIndex > 0) {
      rule(doc.y, 0.5, style.ruleColor);
    }
    const top = doc.y;
    for (const { cell, box } of cells) drawCell(cell, box, top + ROW_PADDING_Y);
    doc.x = left;
    doc.y = top + height;
  });
  rule(doc.y, 1, 'black');
}

type Box = TableColumn & { x: number };

/** A horizontal line from x1 to x2, leaving the document's line style as it was. */
export function drawRule(
  doc: PDFKit.PDFDocument,
  x1: number,
  x2: number,
  y: number,
  width: number,
  color: string,
) {
  doc.save().moveTo(x1, y).lineTo(x2, y).lineWidth(width).strokeColor(color).stroke().restore();
}

function sumWidths(columns: TableColumn[]): number {
  return columns.reduce((sum, column) => sum + column.width, 0);
}
