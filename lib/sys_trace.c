/* sys_trace.c - placeholder until its owner lands it */
#include "internal.h"
