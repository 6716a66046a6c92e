import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { notificationPreferencesSchema, registerSchema, updateProfileSchema } from './user.service.js';

const base = { email: 'ada@example.com', password: 'analytical-engine', name: 'Ada' };

describe('profile rules', () => {
  it('takes E.164 numbers: a plus, a country code not starting with 0, 2 to 15 digits in all', () => {
    for (const phone of ['+12', '+4915112345678', '+123456789012345', ' +4915112345678 ']) {
      assert.equal(registerSchema.safeParse({ ...base, phone }).success, true, phone);
      assert.equal(updateProfileSchema.parse({ phone }).phone, phone.trim());
    }
  });

  it('refuses anything else, with the field named', () => {
    for (const phone of ['4915112345678', '+0151', '+1', '+1234567890123456', '+49 151 1234567', '+49-151', 'call me', '++49151']) {
      const result = registerSchema.safeParse({ ...base, phone });
      assert.equal(result.success, false, phone);
      assert.deepEqual(
        result.error?.issues.map((i) => i.path.join('.')),
        ['phone'],
        phone,
      );
    }
    assert.equal(updateProfileSchema.safeParse({ phone: '+49 151 1234567' }).success, false);
    assert.equal(updateProfileSchema.safeParse({ name: '  ' }).success, false);
  });

  it('an absent field is unchanged (undefined); null or an empty phone removes it (null)', () => {
    assert.deepEqual(updateProfileSchema.parse({}), {});
    assert.equal(updateProfileSchema.parse({ phone: null }).phone, null);
    assert.equal(updateProfileSchema.parse({ phone: '' }).phone, null);
    assert.equal(registerSchema.parse(base).phone, undefined);
    assert.equal(registerSchema.parse({ ...base, phone: '' }).phone, null);
    assert.deepEqual(notificationPreferencesSchema.parse({ sms: true }), { sms: true });
    assert.equal(notificationPreferencesSchema.safeParse({ email: 'yes' }).success, false);
  });
});
