/**
 * What the gateway does with an authenticated query: budgets and token-bucket rate limits ({@link
 * dev.marauder.gateway.policy.QueryBudgets}), output hardening per role ({@link
 * dev.marauder.gateway.policy.OutputHardening}) and admission control ({@link
 * dev.marauder.gateway.policy.AdmissionControl}).
 */
package dev.marauder.gateway.policy;
