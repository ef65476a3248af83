/* ini_lite.c: INI files as libinih reads them by default (see ini_lite.h). */
#include "ini_lite.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

enum { LINE_BYTES = 4096, NAME_BYTES = 128 };

static char *trimmed(char *text)
{
    while (isspace((unsigned char)*text))
        text++;
    char *end = text + strlen(text);
    while (end > text && isspace((unsigned char)end[-1]))
        *--end = '\0';
    return text;
}

/* Cut a comment that starts with ';' after whitespace (inih's inline comments). */
static void cut_inline_comment(char *text)
{
    for (char *c = text; *c != '\0'; c++)
        if (*c == ';' && c > text && isspace((unsigned char)c[-1])) {
            *c = '\0';
            return;
        }
}

int ini_lite_parse(const char *path, ini_lite_handler handler, void *user)
{
    FILE *file = fopen(path, "r");
    if (file == NULL)
        return -1;
    char line[LINE_BYTES], section[NAME_BYTES] = "", previous_name[NAME_BYTES] = "";
    int number = 0, error = 0;
    while (fgets(line, sizeof line, file) != NULL) {
        number++;
        int indented = line[0] == ' ' || line[0] == '\t';
        char *text = trimmed(line);
        if (number == 1 && (unsigned char)text[0] == 0xef && (unsigned char)text[1] == 0xbb &&
            (unsigned char)text[2] == 0xbf)
            text += 3; /* a UTF-8 byte order mark */
        if (*text == ';' || *text == '#' || *text == '\0')
            continue;
        if (indented && previous_name[0] != '\0') { /* a continuation: the same name again */
            cut_inline_comment(text);
            if (!handler(user, section, previous_name, trimmed(text)) && error == 0)
                error = number;
            continue;
        }
        if (*text == '[') {
            char *end = strchr(text, ']');
            if (end == NULL) {
                if (error == 0)
                    error = number;
                continue;
            }
            *end = '\0';
            snprintf(section, sizeof section, "%s", text + 1);
            previous_name[0] = '\0';
            continue;
        }
        char *separator = text + strcspn(text, "=:");
        if (*separator == '\0') {
            if (error == 0)
                error = number;
            continue;
        }
        *separator = '\0';
        char *value = separator + 1;
        cut_inline_comment(value);
        snprintf(previous_name, sizeof previous_name, "%s", trimmed(text));
        if (!handler(user, section, previous_name, trimmed(value)) && error == 0)
            error = number;
    }
    fclose(file);
    return error;
}
