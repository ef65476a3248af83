// tests/pages/measure.js: measures a built handout as headless Chromium lays it out, for
// check_pages.sh. heapkitMeasure(frame) takes the window of a frame that shows the page and
// returns text lines: first "checked P code blocks and T tables in a W px window", then one
// line per problem:
//
//   code block N "FIRST LINE": WHAT IS WRONG
//   table N "FIRST CELL": WHAT IS WRONG
//   page: WHAT IS WRONG
//
// or the single line "error: WHY" when the page could not be measured.
//
// A code block (pre) is broken when one of its lines is laid out on more than one row (a picture
// torn apart), when its white-space lets lines wrap at some narrower width, or when it is wider
// than its room: its box past the content column or the window, its text running past its box
// with nothing to scroll it, or cut off by overflow: hidden. A table is broken when its box goes
// past the column or the window; the page, when the window must scroll sideways.
//
// Lines are found with Range.getClientRects() on each line's text: one rectangle per row it is
// laid out on, so a wrapped line shows as rectangles at different heights, whatever the line
// height or the spans of a highlighted block.
'use strict';

function heapkitMeasure(frame) {
    const doc = frame.document;
    const SLACK_PX = 1; // sub-pixel rounding, never a real overflow
    const style = element => frame.getComputedStyle(element);
    const problems = [];

    function firstLine(text) {
        const line = text.split('\n').find(l => l.trim() !== '') || '';
        const words = line.trim().replace(/\s+/g, ' ');
        return words.length > 60 ? words.slice(0, 57) + '...' : words;
    }

    // The right edge an element may reach: its parent's content box, the body's, the window's.
    function roomRight(element) {
        const contentRight = e => e.getBoundingClientRect().right - parseFloat(style(e).borderRightWidth) -
                                  parseFloat(style(e).paddingRight);
        return Math.min(contentRight(element.parentElement), contentRight(doc.body), doc.documentElement.clientWidth);
    }

    // The box that scrolls an element's overflow sideways: itself or its nearest ancestor inside
    // the body whose overflow-x is not visible; null when none does.
    function scrollBox(element) {
        for (let e = element; e && e !== doc.body; e = e.parentElement) {
            if (style(e).overflowX !== 'visible')
                return e;
        }
        return null;
    }

    // Per line of a pre, the tops of the rows its text is laid out on, and its font's size.
    function lineRows(pre) {
        const lines = [[]];
        const walker = doc.createTreeWalker(pre, frame.NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            const fontPx = parseFloat(style(node.parentElement).fontSize);
            for (let start = 0;;) {
                const newline = node.data.indexOf('\n', start);
                const end = newline < 0 ? node.data.length : newline;
                if (end > start) {
                    const range = doc.createRange();
                    range.setStart(node, start);
                    range.setEnd(node, end);
                    for (const rect of range.getClientRects())
                        if (rect.width > 0)
                            lines[lines.length - 1].push({ top: rect.top, fontPx: fontPx });
                }
                if (newline < 0)
                    break;
                lines.push([]);
                start = newline + 1;
            }
        }
        return lines;
    }

    // Too wide: the box that holds the element (itself, or the box that scrolls it) past its room.
    function checkRoom(element, name) {
        const holder = scrollBox(element) || element;
        const past = holder.getBoundingClientRect().right - roomRight(holder);
        if (past > SLACK_PX)
            problems.push(name + ': its box ends ' + Math.round(past) + ' px past the content column or the window');
    }

    function checkPre(pre, index) {
        const name = 'code block ' + (index + 1) + ' "' + firstLine(pre.textContent) + '"';
        // Wrapped: a line whose text sits on rows more than half a character's height apart.
        const lines = lineRows(pre);
        const wrapped = [];
        lines.forEach((rows, number) => {
            const tops = rows.map(row => row.top);
            if (rows.length > 1 && Math.max(...tops) - Math.min(...tops) > rows[0].fontPx / 2)
                wrapped.push(number + 1);
        });
        // What lets it wrap: the white-space of the pre or of an element inside it.
        const wrapper = [pre, ...pre.querySelectorAll('*')].find(e => style(e).whiteSpace !== 'pre');
        const wrapping = wrapper && 'white-space: ' + style(wrapper).whiteSpace + ' on its <' + wrapper.localName + '>';
        if (wrapped.length > 0) {
            problems.push(name + ': ' + wrapped.length + ' of its ' + lines.length + ' lines wrap (line ' +
                          wrapped.slice(0, 5).join(', ') + (wrapped.length > 5 ? ', ...' : '') + ')' +
                          (wrapping ? ': ' + wrapping : ''));
        } else if (wrapping) {
            problems.push(name + ': ' + wrapping + ' lets its lines wrap in a narrower window');
        }
        checkRoom(pre, name);
        const scroller = scrollBox(pre);
        if (!scroller && pre.scrollWidth > pre.clientWidth + SLACK_PX) {
            problems.push(name + ': its text runs ' + (pre.scrollWidth - pre.clientWidth) +
                          ' px past its box, with nothing to scroll it (overflow-x: visible)');
        } else if (scroller && ['hidden', 'clip'].includes(style(scroller).overflowX) &&
                   scroller.scrollWidth > scroller.clientWidth + SLACK_PX) {
            problems.push(name + ': ' + (scroller.scrollWidth - scroller.clientWidth) + ' px of its text are cut off (overflow-x: ' +
                          style(scroller).overflowX + ' on its <' + scroller.localName + '>)');
        }
    }

    function checkTable(table, index) {
        const cell = [...table.querySelectorAll('th, td')].find(c => c.textContent.trim() !== '');
        checkRoom(table, 'table ' + (index + 1) + ' "' + firstLine(cell ? cell.textContent : '') + '"');
    }

    // The page scrolls sideways: name the outermost elements that stick out of the window and
    // are in no box that scrolls.
    function checkPage() {
        const root = doc.documentElement;
        if (root.scrollWidth <= root.clientWidth + SLACK_PX)
            return;
        const culprits = [];
        for (const e of doc.body.querySelectorAll('*')) {
            if (e.getBoundingClientRect().right <= root.clientWidth + SLACK_PX || culprits.some(c => c.contains(e)))
                continue;
            if (e.parentElement !== doc.body && scrollBox(e.parentElement))
                continue;
            culprits.push(e);
            if (culprits.length === 3)
                break;
        }
        problems.push('page: it scrolls sideways: ' + root.scrollWidth + ' px wide in ' + root.clientWidth +
                      ' px of window, widened by ' +
                      culprits.map(e => '<' + e.localName + '> "' + firstLine(e.textContent) + '"').join(', '));
    }

    try {
        // Measured once its fonts are in: a page that loads web fonts is measured too early.
        if (doc.fonts.status !== 'loaded')
            return ['error: its fonts were still loading when it was measured'];
        // With no usable font every width is 0, and nothing could ever wrap or overflow.
        const probe = doc.createElement('code');
        probe.textContent = 'xxxxxxxxxx';
        doc.body.appendChild(probe);
        const probeWidth = probe.getBoundingClientRect().width;
        probe.remove();
        if (!(probeWidth > 0))
            return ['error: its text has no width: no font? (apt-get install fonts-dejavu-core)'];
        const pres = [...doc.querySelectorAll('pre')];
        const tables = [...doc.querySelectorAll('table')];
        pres.forEach(checkPre);
        tables.forEach(checkTable);
        checkPage();
        return ['checked ' + pres.length + ' code blocks and ' + tables.length + ' tables in a ' +
                frame.innerWidth + ' px window', ...problems];
    } catch (error) {
        return ['error: the measuring script failed: ' + error.message];
    }
}
