/* provenance.c: the "# source:" line of a recorded trace (see provenance.h). */
#include "provenance.h"

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

enum {
    SOURCE_MOST = 1000,  /* characters of the line's text: a trace line holds 1024, "# source: " included */
    COMMAND_ROOM = 4096, /* characters of the quoted command before it is cut */
    ANSWER_BYTES = 256,  /* of dpkg-query's first line */
};

bool provenance_is_one_line(const char *text, size_t most_characters)
{
    size_t length = strlen(text);
    for (size_t i = 0; i < length; i++)
        if ((unsigned char)text[i] < 0x20 || text[i] == 0x7f)
            return false;
    return length <= most_characters;
}

/* Append `text` to out[*used], stopping one short of `room`. */
static void append(char *out, size_t room, size_t *used, const char *text, size_t length)
{
    for (size_t i = 0; i < length && *used + 1 < room; i++) {
        unsigned char byte = (unsigned char)text[i];
        out[(*used)++] = byte < 0x20 || byte == 0x7f ? '?' : (char)byte;
    }
    out[*used] = '\0';
}

/* A word as a shell reads it back: as it is when it holds only safe characters, else in single
 * quotes (a quote inside as '\''). */
static void append_word(char *out, size_t room, size_t *used, const char *word)
{
    static const char safe[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-+=./,:@%^";
    size_t length = strlen(word);
    if (length > 0 && strspn(word, safe) == length) {
        append(out, room, used, word, length);
        return;
    }
    append(out, room, used, "'", 1);
    for (const char *at = word; *at != '\0'; at++) {
        if (*at == '\'')
            append(out, room, used, "'\\''", 4);
        else
            append(out, room, used, at, 1);
    }
    append(out, room, used, "'", 1);
}

/* The first line that `argv` prints, run with no input and its errors discarded; false when it
 * cannot run, fails or prints nothing. */
static bool first_line_of(char *const argv[], char *out, size_t out_size)
{
    int pipe_fds[2];
    if (pipe2(pipe_fds, O_CLOEXEC) != 0)
        return false;
    /* fork and exec, not posix_spawn: the kit's -Ifence has a spawn.h of its own. */
    pid_t child = fork();
    if (child == 0) {
        int nothing = open("/dev/null", O_RDWR);
        if (nothing < 0 || dup2(nothing, STDIN_FILENO) < 0 || dup2(pipe_fds[1], STDOUT_FILENO) < 0 ||
            dup2(nothing, STDERR_FILENO) < 0)
            _exit(127);
        execvp(argv[0], argv);
        _exit(127);
    }
    int spawned = child > 0 ? 0 : -1;
    close(pipe_fds[1]);
    size_t used = 0;
    ssize_t got = 1;
    while (spawned == 0 && got > 0 && used + 1 < out_size) {
        got = read(pipe_fds[0], out + used, out_size - 1 - used);
        if (got > 0)
            used += (size_t)got;
    }
    close(pipe_fds[0]);
    out[used] = '\0';
    int status = 0;
    if (spawned != 0 || waitpid(child, &status, 0) != child || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
        return false;
    out[strcspn(out, "\n")] = '\0';
    return out[0] != '\0';
}

/* Whether the file at `list_path` (a package's list of files, one a line) names `path`. */
static bool list_names(const char *list_path, const char *path)
{
    FILE *list = fopen(list_path, "re");
    if (list == NULL)
        return false;
    char line[PATH_MAX + 2];
    bool found = false;
    while (!found && fgets(line, sizeof line, list) != NULL) {
        line[strcspn(line, "\n")] = '\0';
        found = strcmp(line, path) == 0;
    }
    fclose(list);
    return found;
}

/* The package whose list of files names `path`: dpkg's own lists, read here, which takes a
 * tenth of the time dpkg-query -S takes to load its whole database. */
static bool owning_package(const char *path, char *package, size_t package_size)
{
    static const char folder[] = "/var/lib/dpkg/info";
    DIR *lists = opendir(folder);
    if (lists == NULL)
        return false;
    bool found = false;
    for (struct dirent *entry; !found && (entry = readdir(lists)) != NULL;) {
        size_t length = strlen(entry->d_name);
        if (length <= 5 || strcmp(entry->d_name + length - 5, ".list") != 0)
            continue;
        char list_path[sizeof folder + 256 + 1];
        snprintf(list_path, sizeof list_path, "%s/%s", folder, entry->d_name);
        if (list_names(list_path, path)) {
            snprintf(package, package_size, "%.*s", (int)(length - 5), entry->d_name);
            found = true;
        }
    }
    closedir(lists);
    return found;
}

/* "PACKAGE VERSION" of the Debian package that installed `path`, if any. */
static bool package_version(const char *path, char *out, size_t out_size)
{
    char package[ANSWER_BYTES], version[ANSWER_BYTES];
    if (!owning_package(path, package, sizeof package))
        return false;
    char *query[] = { "dpkg-query", "-W", "-f", "${Version}\\n", package, NULL };
    if (!first_line_of(query, version, sizeof version))
        return false;
    snprintf(out, out_size, "%s %s", package, version);
    return true;
}

static bool installed_by_a_package(const char *path)
{
    static const char *const system_folders[] = { "/usr/", "/bin/", "/sbin/", "/lib" };
    for (size_t i = 0; i < sizeof system_folders / sizeof system_folders[0]; i++)
        if (strncmp(path, system_folders[i], strlen(system_folders[i])) == 0)
            return true;
    return false;
}

/* " (NAME: Debian package PACKAGE VERSION)" or "". */
static void version_note(char *out, size_t out_size, const char *program_path)
{
    out[0] = '\0';
    char resolved[PATH_MAX], package[2 * ANSWER_BYTES];
    if (realpath(program_path, resolved) == NULL || !installed_by_a_package(resolved))
        return;
    /* dpkg's database names some files by their path before /usr was merged. */
    bool found = package_version(resolved, package, sizeof package);
    if (!found && strncmp(resolved, "/usr/", 5) == 0)
        found = package_version(resolved + 4, package, sizeof package);
    if (!found)
        return;
    const char *slash = strrchr(program_path, '/');
    snprintf(out, out_size, " (%.64s: Debian package %s)", slash != NULL ? slash + 1 : program_path, package);
}

void provenance_source(char *out, size_t out_size, bool follow, char *const argv[], const char *program_path)
{
    char date[32] = "an unknown date";
    time_t now = time(NULL);
    struct tm utc;
    if (gmtime_r(&now, &utc) != NULL)
        strftime(date, sizeof date, "%Y-%m-%d", &utc);
    char note[3 * ANSWER_BYTES];
    version_note(note, sizeof note, program_path);

    char command[COMMAND_ROOM];
    size_t used = 0;
    command[0] = '\0';
    for (size_t i = 0; argv[i] != NULL; i++) {
        if (i > 0)
            append(command, sizeof command, &used, " ", 1);
        append_word(command, sizeof command, &used, argv[i]);
    }
    char head[96];
    snprintf(head, sizeof head, "recorded on %s by build/record %s-- ", date, follow ? "--follow " : "");
    size_t room = out_size <= SOURCE_MOST ? out_size - 1 : SOURCE_MOST; /* characters */
    size_t fixed = strlen(head) + strlen(note) + 3;                      /* with "..." */
    if (fixed - 3 + used > room) { /* the command is cut, the date and version kept */
        size_t keep = fixed < room ? room - fixed : 0;
        snprintf(out, out_size, "%s%.*s...%s", head, (int)keep, command, note);
    } else {
        snprintf(out, out_size, "%s%s%s", head, command, note);
    }
}
