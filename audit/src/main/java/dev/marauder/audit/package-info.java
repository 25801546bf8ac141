/**
 * The audit: checks that each apply to a model (or say why not), run one capability, and render
 * their own report section and summary line; the runner picks the checks that apply and builds
 * the report with its verdict table.
 */
package dev.marauder.audit;
