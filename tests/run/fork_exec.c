/*
 * fork_exec.c: fork and exec on a stage. The parent holds blocks across a fork; the child
 * checks it sees them, allocates and frees on its own copy of the heap, then execs this program
 * again ("child" mode), which allocates in a fresh process. The parent's blocks must be intact
 * after the child is done. Output in a fixed order (the parent waits), the same on any malloc.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

enum { BLOCKS = 1000 };

static int churn(const char *who)
{
    char *blocks[BLOCKS];
    int intact = 1;
    for (int i = 0; i < BLOCKS; i++) {
        blocks[i] = malloc((size_t)(i % 300) + 1);
        if (blocks[i] == NULL)
            exit(1);
        memset(blocks[i], i & 0xff, (size_t)(i % 300) + 1);
    }
    for (int i = 0; i < BLOCKS; i++) {
        intact &= blocks[i][i % 300] == (char)(i & 0xff);
        free(blocks[i]);
    }
    char *text = strdup(who);
    if (text == NULL)
        exit(1);
    printf("%s: %d blocks %s\n", text, BLOCKS, intact ? "intact" : "DAMAGED");
    fflush(stdout);
    free(text);
    return intact;
}

/* The forked child: its copy of the parent's block, blocks of its own, then this program again. */
static _Noreturn void forked_child(char *held, const char *program)
{
    int sees = held[0] == 'p' && held[4999] == 'p';
    memset(held, 'c', 5000); /* its own copy */
    free(held);
    printf("forked child: sees the parent's block: %s\n", sees ? "yes" : "NO");
    int intact = churn("forked child");
    fflush(stdout);
    if (!intact || !sees)
        _exit(1);
    execl("/proc/self/exe", program, "child", (char *)NULL);
    perror("exec");
    _exit(1);
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "child") == 0)
        return churn("exec'd child") ? 0 : 1;

    char *held = malloc(5000);
    if (held == NULL)
        return 1;
    memset(held, 'p', 5000);
    churn("parent before fork");
    pid_t child = fork();
    if (child == 0)
        forked_child(held, argv[0]);
    int status = 0;
    waitpid(child, &status, 0);
    int kept = held[0] == 'p' && held[4999] == 'p';
    printf("parent: child ended with %d; the parent's block kept: %s\n", WIFEXITED(status) ? WEXITSTATUS(status) : -1,
           kept ? "yes" : "NO");
    churn("parent after fork");
    free(held);
    return !kept || status != 0;
}
