/** A user's code on the whole Marauder library: the README's Java example. */
package com.example.full;
