# harness/page/embed.awk: a text file as C strings, one per line, for heap_page.c to write out:
#
#   awk -v name=heap_page_template -f harness/page/embed.awk harness/page/heap_page.html > FILE.c
#
# gives `const char *const heap_page_template[] = { "line 1\n", ..., NULL };`. A line longer
# than PIECE bytes is cut into several strings (ISO C asks compilers for 4095 characters in a
# literal, and -Wpedantic holds us to it). Escaped: backslash, double quote, tab, carriage
# return, and every '?' (so that no "??(" reads as a trigraph under -std=c17).
BEGIN {
    PIECE = 2000
    if (name == "") name = "heap_page_template"
    print "/* Generated from " ARGV[1] " by harness/page/embed.awk: do not edit. */"
    print "extern const char *const " name "[];"
    print "const char *const " name "[] = {"
}
function escaped(text,    out, i, c) {
    out = ""
    for (i = 1; i <= length(text); i++) {
        c = substr(text, i, 1)
        if (c == "\\" || c == "\"" || c == "?") out = out "\\" c
        else if (c == "\t") out = out "\\t"
        else if (c == "\r") out = out "\\r"
        else out = out c
    }
    return out
}
{
    line = $0
    do {
        piece = substr(line, 1, PIECE)
        line = substr(line, PIECE + 1)
        print "    \"" escaped(piece) (line == "" ? "\\n" : "") "\","
    } while (line != "")
}
END {
    print "    0,"
    print "};"
}
