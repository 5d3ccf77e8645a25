/* program.c - placeholder until its owner lands it */
#include "internal.h"
