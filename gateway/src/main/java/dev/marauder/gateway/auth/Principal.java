package dev.marauder.gateway.auth;

import java.util.Objects;

/**
 * Who sent a request: the name its API key is issued to and its role.
 *
 * @param name the principal's name (letters, digits, '.', '_', '-', '@'; at most 64)
 * @param role what it may do
 */
public record Principal(String name, Role role) {
    /** The principal of every request when authentication is disabled. */
    public static final Principal ANONYMOUS = new Principal("anonymous", Role.OWNER);

    public Principal {
        Objects.requireNonNull(role, "role");
        if (name == null || !name.matches("[A-Za-z0-9._@-]{1,64}")) {
            throw new IllegalArgumentException(
                    "a principal's name is 1 to 64 letters, digits, '.', '_', '@' or '-', got '" + name + "'");
        }
    }
}
