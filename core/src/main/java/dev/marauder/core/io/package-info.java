/** Safe file writing and user-facing error text shared by every module. */
package dev.marauder.core.io;
