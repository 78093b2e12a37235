import { describe, expect, it } from 'vitest';
import { redactUrlPassword } from './redact-url-password.js';

describe('redactUrlPassword', () => {
  it('hides the password and keeps user, host, port, path and query', () => {
    expect(redactUrlPassword('postgres://app:p%40ss@db:5432/kb?schema=a')).toBe('postgres://app:***@db:5432/kb?schema=a');
  });

  it('leaves a URL without a password, and text that is no URL, as they are', () => {
    expect(redactUrlPassword('postgres://app@db:5432/kb')).toBe('postgres://app@db:5432/kb');
    expect(redactUrlPassword('db:5432/kb')).toBe('db:5432/kb');
  });
});
