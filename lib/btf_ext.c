/* btf_ext.c - placeholder until its owner lands it */
#include "internal.h"
