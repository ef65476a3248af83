# skeleton.awk: a reference stage into a student skeleton.
#
# Each region from a line holding /* BEGIN SOLUTION */ to a line holding /* END SOLUTION */
# becomes a stub: a TODO comment, (void) casts of the enclosing function's parameters, and
# hm_todo("STAGE: FUNCTION"), which stops the replay with "not implemented yet".
# With -v whole=1 the regions are kept and only the marker lines are dropped.
# A region is a whole function body; the function's signature is on one line, at column 0.
#
# A line that ends with a comment /* skeleton: TEXT */ is the reference's, and TEXT is the
# skeleton's: a skeleton gets TEXT, at the line's indentation, in its place (bins.c switches its
# going-further policies off this way). With -v whole=1 the line stays, without that comment.
#
#   awk -v stage=dlist -f student/skeleton.awk stages/dlist.c > build/student/.../dlist.c

function parameters_of(signature,    inside, count, parts, i, name, result) {
    inside = signature
    sub(/^[^(]*\(/, "", inside)
    sub(/\)[^)]*$/, "", inside)
    if (inside ~ /^[ \t]*void[ \t]*$/ || inside ~ /^[ \t]*$/)
        return ""
    count = split(inside, parts, ",")
    result = ""
    for (i = 1; i <= count; i++) {
        name = parts[i]
        sub(/\[[^]]*\][ \t]*$/, "", name)
        gsub(/[ \t]+$/, "", name)
        sub(/.*[^A-Za-z0-9_]/, "", name)
        if (name != "")
            result = result "(void)" name "; "
    }
    return result
}

# A function definition's first line: at column 0, a name and "(", not a declaration.
/^[A-Za-z_][^;=]*[ *]?[A-Za-z_][A-Za-z0-9_]*\(.*\)[ \t]*$/ {
    function_line = $0
    function_name = $0
    sub(/\(.*/, "", function_name)
    sub(/.*[^A-Za-z0-9_]/, "", function_name)
}

/\/\* BEGIN SOLUTION \*\// {
    if (in_region) {
        printf("%s:%d: BEGIN SOLUTION inside a region\n", FILENAME, FNR) > "/dev/stderr"
        failed = 1
    }
    in_region = 1
    indent = $0
    sub(/[^ \t].*/, "", indent)
    if (!whole) {
        print indent "/* TODO: write " function_name " (see handouts/" stage ".md). */"
        casts = parameters_of(function_line)
        sub(/ $/, "", casts)
        if (casts != "")
            print indent casts
        print indent "hm_todo(\"" stage ": " function_name "\");"
    }
    next
}

/\/\* skeleton: .*\*\/[ \t]*$/ {
    if (in_region && !whole)
        next
    line = $0
    if (whole) {
        sub(/[ \t]*\/\* skeleton: .*\*\/[ \t]*$/, "", line)
        print line
    } else {
        indent = line
        sub(/[^ \t].*/, "", indent)
        sub(/.*\/\* skeleton: /, "", line)
        sub(/[ \t]*\*\/[ \t]*$/, "", line)
        print indent line
    }
    next
}

/\/\* END SOLUTION \*\// {
    if (!in_region) {
        printf("%s:%d: END SOLUTION without BEGIN\n", FILENAME, FNR) > "/dev/stderr"
        failed = 1
    }
    in_region = 0
    next
}

{
    if (!in_region || whole)
        print
}

END {
    if (in_region) {
        printf("%s: a region is not closed with END SOLUTION\n", FILENAME) > "/dev/stderr"
        failed = 1
    }
    exit failed
}
