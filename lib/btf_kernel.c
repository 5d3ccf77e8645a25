/* btf_kernel.c - placeholder until its owner lands it */
#include "internal.h"
