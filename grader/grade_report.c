/*
 * grade_report.c: what the grader tells people and tools.
 *
 *   text          per stage, per test: the score, and the first error with the local command
 *                 that reproduces it; hidden traces say pass or fail only. Every byte that came
 *                 from student code (what a stage or the compiler printed, the folder's name)
 *                 is written escaped: it shows, and does nothing to the reader's terminal
 *   results.json  Gradescope's format, written with cJSON, so any byte a stage printed is escaped
 *   CSV           one row per submission appended: name, total, maximum, one column per stage
 */
#include "grade.h"
#include "text.h"

#ifndef HEAPKIT_NO_JSON
#include <cjson/cJSON.h>
#endif
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The submission's folder name ("class/alice/" -> "alice"). */
static const char *base_name(const char *path)
{
    static char name[GRADE_PATH];
    const char *start;
    int length = text_last_name(path, &start);
    snprintf(name, sizeof name, "%.*s", length, start);
    return name;
}

/* The length of the UTF-8 sequence that starts at c (at most `left` bytes): 1 to 4, or 0 when it
 * is not valid UTF-8 (a stray continuation byte, a sequence cut short, an overlong form, a
 * surrogate, past U+10FFFF). */
static size_t utf8_length(const unsigned char *c, size_t left)
{
    size_t need = c[0] < 0x80 ? 1 : (c[0] & 0xe0) == 0xc0 && c[0] >= 0xc2 ? 2 : (c[0] & 0xf0) == 0xe0 ? 3
                : (c[0] & 0xf8) == 0xf0 && c[0] <= 0xf4 ? 4 : 0;
    if (need == 0 || need > left)
        return 0;
    for (size_t k = 1; k < need; k++)
        if ((c[k] & 0xc0) != 0x80)
            return 0;
    if (need == 3 && ((c[0] == 0xe0 && c[1] < 0xa0) || (c[0] == 0xed && c[1] >= 0xa0)))
        return 0; /* overlong, or a surrogate */
    if (need == 4 && ((c[0] == 0xf0 && c[1] < 0x90) || (c[0] == 0xf4 && c[1] >= 0x90)))
        return 0;
    return need;
}

/* Would the character of this valid sequence act on a terminal rather than show? C0 controls
 * (but newline and tab), DEL, C1 controls (U+0080..U+009F: U+009B is a CSI to some terminals),
 * and the bidirectional formatting characters (U+202A..U+202E, U+2066..U+2069), which reorder
 * how the rest of the line reads. */
static int acts_on_terminal(const unsigned char *c, size_t length)
{
    if (length == 1)
        return (c[0] < 0x20 && c[0] != '\n' && c[0] != '\t') || c[0] == 0x7f;
    if (length == 2)
        return c[0] == 0xc2 && c[1] < 0xa0;
    return length == 3 && c[0] == 0xe2 && ((c[1] == 0x80 && c[2] >= 0xaa && c[2] <= 0xae) ||
                                           (c[1] == 0x81 && c[2] >= 0xa6 && c[2] <= 0xa9));
}

/* Write `length` bytes of text from student code as they are, but every byte of a character
 * that would act on the terminal, and of a sequence that is not UTF-8, as \xNN: "\033[2J"
 * shows as \x1b[2J, a lone 0xff as \xff. Newlines and tabs are kept (a tab only moves the
 * cursor on); a backslash stays one (the report is read, never parsed back). */
static void put_escaped(FILE *out, const char *text, size_t length)
{
    const unsigned char *c = (const unsigned char *)text;
    for (size_t i = 0; i < length;) {
        size_t sequence = utf8_length(c + i, length - i);
        if (sequence > 0 && !acts_on_terminal(c + i, sequence)) {
            fwrite(c + i, 1, sequence, out);
            i += sequence;
            continue;
        }
        for (size_t k = 0; k < (sequence > 0 ? sequence : 1); k++)
            fprintf(out, "\\x%02x", c[i + k]);
        i += sequence > 0 ? sequence : 1;
    }
}

static void put_escaped_text(FILE *out, const char *text)
{
    put_escaped(out, text, strlen(text));
}

/* Print text indented, escaped, at most max_lines lines (a student reads the first error first). */
static void indented(FILE *out, const char *text, int max_lines)
{
    int lines = 0;
    for (const char *line = text; line != NULL && *line != '\0';) {
        const char *end = strchr(line, '\n');
        size_t length = end ? (size_t)(end - line) : strlen(line);
        if (lines == max_lines) {
            fprintf(out, "        [...]\n");
            return;
        }
        fputs("        ", out);
        put_escaped(out, line, length);
        fputc('\n', out);
        lines++;
        line = end ? end + 1 : NULL;
    }
}

static void score_cell(char *out, size_t size, double score, double max)
{
    snprintf(out, size, "%g / %g", round(score * 100) / 100, round(max * 100) / 100);
}

void report_text(FILE *out, const struct grading *g)
{
    fputs(g->pregrade ? "heapkit PRE-GRADE of " : "heapkit grade of ", out);
    put_escaped_text(out, base_name(g->submission));
    fputs(" (rubric: ", out);
    put_escaped_text(out, g->rubric.path);
    fputs(")\n", out);
    put_escaped_text(out, g->notes);
    for (size_t s = 0; s < g->stage_count; s++) {
        const char *stage = g->stages[s];
        char cell[64];
        score_cell(cell, sizeof cell, grading_total(g, stage, 0), grading_total(g, stage, 1));
        fprintf(out, "\nstage %-10s %41s\n", stage, cell);
        /* Passed traces in one line; each lost one on its own, with why. */
        size_t traces = 0, passed = 0;
        double score = 0, max = 0;
        for (size_t i = 0; i < g->test_count; i++) {
            const struct test *t = &g->tests[i];
            if (strcmp(t->stage, stage) == 0 && t->kind == KIND_CORRECTNESS && strchr(t->name, ':') != NULL) {
                traces++;
                passed += (size_t)t->passed;
                score += t->score;
                max += t->max_score;
            }
        }
        for (size_t i = 0; i < g->test_count; i++) {
            const struct test *t = &g->tests[i];
            if (strcmp(t->stage, stage) != 0)
                continue;
            if (t->kind == KIND_CORRECTNESS && traces > 0 && strchr(t->name, ':') != NULL) {
                char what[64];
                snprintf(what, sizeof what, "correctness: %zu of %zu traces passed", passed, traces);
                score_cell(cell, sizeof cell, score, max);
                fprintf(out, "  %-40.40s %11s  %s\n", what, cell, passed == traces ? "ok" : "LOST");
                traces = 0;
            }
            if (t->kind == KIND_CORRECTNESS && t->passed)
                continue;
            score_cell(cell, sizeof cell, t->score, t->max_score);
            fprintf(out, "  %-40.40s %11s  %s\n", t->name, cell, t->passed ? "ok" : "LOST");
            int show = t->output != NULL && (!t->passed || t->kind != KIND_CORRECTNESS);
            if (show && !(t->kind == KIND_BUILD && t->passed && strcmp(t->output, "compiled cleanly") == 0))
                indented(out, t->output, t->kind == KIND_BUILD ? 30 : 16);
        }
    }
    char cell[64];
    score_cell(cell, sizeof cell, grading_total(g, NULL, 0), grading_total(g, NULL, 1));
    fprintf(out, "\ntotal %52s\n", cell);
    fprintf(out, "graded in %.1f s%s\n", g->seconds,
            g->pregrade    ? " (PRE-GRADE: the public part only; the real grading adds hidden traces)"
            : g->sandboxed ? ""
                           : " (NOT SANDBOXED: --no-sandbox, a local run)");
}

#ifndef HEAPKIT_NO_JSON
/* A copy of text that is valid UTF-8: every byte of an invalid sequence becomes U+FFFD.
 * (cJSON escapes quotes and control characters, but passes other bytes on as they are.) */
static char *valid_utf8(const char *text)
{
    size_t length = strlen(text);
    char *out = malloc(3 * length + 1);
    if (out == NULL)
        return NULL;
    size_t o = 0;
    const unsigned char *c = (const unsigned char *)text;
    for (size_t i = 0; i < length;) {
        size_t need = utf8_length(c + i, length - i);
        if (need > 0) {
            memcpy(out + o, c + i, need);
            o += need;
            i += need;
        } else {
            memcpy(out + o, "\xef\xbf\xbd", 3);
            o += 3;
            i++;
        }
    }
    out[o] = '\0';
    return out;
}

static void add_text(cJSON *object, const char *key, const char *text)
{
    char *valid = valid_utf8(text);
    cJSON_AddStringToObject(object, key, valid != NULL ? valid : "");
    free(valid);
}

int report_results_json(const char *path, const struct grading *g)
{
    cJSON *root = cJSON_CreateObject();
    cJSON_AddNumberToObject(root, "score", round(grading_total(g, NULL, 0) * 100) / 100);
    cJSON_AddNumberToObject(root, "execution_time", round(g->seconds));
    if (g->notes[0] != '\0')
        add_text(root, "output", g->notes);
    cJSON *tests = cJSON_AddArrayToObject(root, "tests");
    for (size_t i = 0; i < g->test_count; i++) {
        const struct test *t = &g->tests[i];
        cJSON *test = cJSON_CreateObject();
        char name[GRADE_NAME + 300];
        snprintf(name, sizeof name, "%s: %s", t->stage, t->name);
        add_text(test, "name", name);
        cJSON_AddNumberToObject(test, "score", round(t->score * 1000) / 1000);
        cJSON_AddNumberToObject(test, "max_score", round(t->max_score * 1000) / 1000);
        cJSON_AddStringToObject(test, "status", t->passed ? "passed" : "failed");
        add_text(test, "output", t->output != NULL ? t->output : "");
        const char *tags[2] = { t->stage, KIND_NAMES[t->kind] };
        cJSON_AddItemToObject(test, "tags", cJSON_CreateStringArray(tags, 2));
        cJSON_AddStringToObject(test, "visibility", t->hidden ? "after_published" : "visible");
        cJSON_AddItemToArray(tests, test);
    }
    char *text = cJSON_Print(root);
    cJSON_Delete(root);
    if (text == NULL)
        return -1;
    FILE *out = fopen(path, "w");
    int status = out != NULL && fputs(text, out) >= 0 && fputc('\n', out) != EOF ? 0 : -1;
    if (out != NULL && fclose(out) != 0)
        status = -1;
    free(text);
    if (status != 0)
        fprintf(stderr, "grade: cannot write %s\n", path);
    return status;
}

#else
int report_results_json(const char *path, const struct grading *g)
{
    (void)g;
    fprintf(stderr, "grade: %s: this grader was built without libcjson (a student kit's pre-grade): it writes no "
            "results.json\n", path);
    return -1;
}
#endif

/* A CSV field: quoted when it holds a comma, a quote or a line break. */
static void csv_field(FILE *out, const char *text)
{
    if (strpbrk(text, ",\"\n\r") == NULL) {
        fputs(text, out);
        return;
    }
    fputc('"', out);
    for (const char *c = text; *c; c++) {
        if (*c == '"')
            fputc('"', out);
        fputc(*c == '\n' || *c == '\r' ? ' ' : *c, out);
    }
    fputc('"', out);
}

int report_csv_row(const char *path, const struct grading *g)
{
    FILE *out = fopen(path, "a");
    if (out == NULL) {
        fprintf(stderr, "grade: cannot append to %s\n", path);
        return -1;
    }
    if (ftell(out) == 0) {
        fprintf(out, "submission,score,max_score");
        for (size_t s = 0; s < g->stage_count; s++)
            fprintf(out, ",%s", g->stages[s]);
        fprintf(out, "\n");
    }
    csv_field(out, base_name(g->submission));
    fprintf(out, ",%g,%g", round(grading_total(g, NULL, 0) * 100) / 100, round(grading_total(g, NULL, 1) * 100) / 100);
    for (size_t s = 0; s < g->stage_count; s++)
        fprintf(out, ",%g", round(grading_total(g, g->stages[s], 0) * 100) / 100);
    fprintf(out, "\n");
    return fclose(out) == 0 ? 0 : -1;
}
