/* median.h: the median of a few measurements (it sorts them in place). */
#ifndef MEDIAN_H
#define MEDIAN_H

#include <stdint.h>
#include <stdlib.h>

static inline int median_compare(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* @pre count > 0 */
static inline double median(double *values, uint32_t count)
{
    qsort(values, count, sizeof *values, median_compare);
    return count % 2 ? values[count / 2] : (values[count / 2 - 1] + values[count / 2]) / 2;
}

#endif /* MEDIAN_H */
