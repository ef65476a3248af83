// tests/pages/step.js: steps through a heap page (build/replay --html) as a student would, for
// step_page.sh. heapkitStep(frame, ops) takes the window of a frame that shows the page and
// the operations to visit (from 0), and returns text lines:
//
//   opened: op 11, line 16, 84 ms                   where the page opened, and how long it took
//   op 3, line 8: chunks: 7 (3 used, 2 free, 2 the stage's); ids: 0 1 2
//                                                   for each op, as drawn there
//   step: op 3 by keys (PageDown x1, ArrowRight x2)  how each op was reached
//   controls: Home, End, the buttons: ok             the other controls
//   errors: none                                     or each error the page's script raised
//
// or "error: WHY" when something went wrong; "problem: WHY" when a control did not do its job.
// The ops are reached through the page's own controls: keydown events on the document (left,
// right, PageUp, PageDown, Home, End) and input events on the slider, taking turns; the page's
// hook (window.heapPage) is only read, to say where the page is.
'use strict';

function heapkitStep(frame, ops) {
    const doc = frame.document, page = frame.heapPage, lines = [];
    if (!page)
        return ['error: the page has no window.heapPage (its script did not run to its end)',
                'errors: ' + ((frame.heapPageErrors || []).join('; ') || 'none seen')];
    const press = key => doc.body.dispatchEvent(new frame.KeyboardEvent('keydown', { key: key, bubbles: true }));
    // A drawn chunk is an element of class "chunk" with its state in data-state; chunks too narrow
    // to draw apart are one element of data-state "run" that counts them (data-count, data-used,
    // data-free, data-stage) and lists its used ones' ids (data-ids).
    const describe = () => {
        const chunks = [...doc.querySelectorAll('#heap-svg .chunk')];
        const count = state => chunks.reduce((n, c) => n + (c.dataset.state === 'run' ? Number(c.dataset[state]) :
                                                             c.dataset.state === state ? 1 : 0), 0);
        const all = chunks.reduce((n, c) => n + Number(c.dataset.count || 1), 0);
        const ids = chunks.flatMap(c => c.dataset.state === 'run' ? (c.dataset.ids || '').split(' ').filter(Boolean)
                                       : c.dataset.state === 'used' && c.dataset.id !== undefined ? [c.dataset.id] : []);
        return 'op ' + page.current() + ', line ' + page.line() + ': chunks: ' + all + ' (' + count('used') +
               ' used, ' + count('free') + ' free, ' + count('stage') + " the stage's); ids:" +
               ids.map(id => ' ' + id).join('');
    };
    const opened = page.current();
    lines.push('opened: op ' + opened + ', line ' + page.line() + ', ' + Math.round(page.readyMs) + ' ms');
    ops.forEach((op, n) => {
        let how;
        if (n % 2 === 0) { // keys: by tens, then by ones
            const presses = {};
            for (let guard = 0; page.current() !== op && guard < 100000; guard++) {
                const distance = op - page.current();
                const key = distance >= 10 ? 'PageDown' : distance <= -10 ? 'PageUp' : distance > 0 ? 'ArrowRight' : 'ArrowLeft';
                const before = page.current();
                press(key);
                presses[key] = (presses[key] || 0) + 1;
                if (page.current() === before)
                    break; // the key did nothing: the op is outside the page's window
            }
            how = 'keys (' + Object.keys(presses).map(k => k + ' x' + presses[k]).join(', ') + ')';
        } else {
            const slider = doc.getElementById('slider');
            slider.value = String(op - page.first);
            slider.dispatchEvent(new frame.Event('input', { bubbles: true }));
            how = 'the slider';
        }
        if (page.current() !== op)
            lines.push('problem: op ' + op + ' was not reached by ' + how + ': the page is at op ' + page.current() +
                       ' (its window: ops ' + page.first + ' to ' + page.last + ')');
        lines.push(describe());
        lines.push('step: op ' + op + ' by ' + how);
        const drawn = Number(describe().replace(/.*: chunks: (\d+) .*/, '$1'));
        if (page.chunkCount() !== drawn)
            lines.push('problem: heapPage.chunkCount() says ' + page.chunkCount() + ', the drawing ' + drawn);
    });
    const problems = [];
    press('End');
    if (page.current() !== page.last) problems.push('End went to op ' + page.current() + ', not ' + page.last);
    press('Home');
    if (page.current() !== page.first) problems.push('Home went to op ' + page.current() + ', not ' + page.first);
    doc.getElementById('forward').click();
    if (page.current() !== Math.min(page.first + 1, page.last)) problems.push('the forward button went to op ' + page.current());
    doc.getElementById('last').click();
    doc.getElementById('back').click();
    if (page.current() !== Math.max(page.first, page.last - 1)) problems.push('the back button went to op ' + page.current());
    lines.push(problems.length ? 'problem: ' + problems.join('; ') : 'controls: Home, End, the buttons: ok');
    // Back where it opened, by the slider, for the picture step_page.sh takes.
    const slider = doc.getElementById('slider');
    slider.value = String(opened - page.first);
    slider.dispatchEvent(new frame.Event('input', { bubbles: true }));
    lines.push('errors: ' + ((frame.heapPageErrors || []).join('; ') || 'none'));
    return lines;
}
