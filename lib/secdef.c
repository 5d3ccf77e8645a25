/* secdef.c - placeholder */
#include "internal.h"
