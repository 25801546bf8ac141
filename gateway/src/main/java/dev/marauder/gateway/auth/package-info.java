/**
 * Who may do what at the gateway: API keys stored as HMAC-SHA256 under a server secret ({@link
 * dev.marauder.gateway.auth.ApiKeys}), principals and their roles (least privilege: client, owner,
 * auditor).
 */
package dev.marauder.gateway.auth;
