import { Injectable } from '@nestjs/common';
import { createHash, timingSafeEqual } from 'node:crypto';
import { AppConfig } from '../common/config/app-config';

const digest = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();

/** Compares credentials in constant time: both sides hashed to equal length, user and password always both checked. */
@Injectable()
export class CredentialsVerifier {
  private readonly user: Buffer;
  private readonly pass: Buffer;

  constructor(config: AppConfig) {
    this.user = digest(config.appUser);
    this.pass = digest(config.appPass);
  }

  verify(user: string, pass: string): boolean {
    const userOk = timingSafeEqual(digest(user), this.user);
    const passOk = timingSafeEqual(digest(pass), this.pass);
    return userOk && passOk;
  }
}
