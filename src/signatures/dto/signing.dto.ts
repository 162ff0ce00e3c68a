import { ApiProperty } from '@nestjs/swagger';
import { SIGNATURE_MEANINGS, SignatureMeaning, SignatureMethod } from '../signature';
import { SigningRequirement } from '../signatures.service';

/** What a signing form shows before the signer signs (21 CFR 11.50: name and meaning). */
export class SigningRequirementDto implements SigningRequirement {
  @ApiProperty({ description: "The signer's printed name, as the signature will record it" })
  printedName!: string;

  @ApiProperty({ enum: SIGNATURE_MEANINGS })
  meaning!: SignatureMeaning;

  @ApiProperty({
    description:
      'The password must be re-entered: first signing of this session, a study that asks at ' +
      'every signing, or an API token',
  })
  passwordRequired!: boolean;

  @ApiProperty({
    description: 'Signing is locked for this session after repeated wrong passwords',
  })
  locked!: boolean;

  @ApiProperty({ description: 'Wrong passwords left before signing is locked for this session' })
  attemptsLeft!: number;
}

/** A signature as results, timelines and exports show it. */
export class SignatureDto {
  @ApiProperty({ format: 'uuid' })
  signerId!: string;

  @ApiProperty()
  printedName!: string;

  @ApiProperty({ format: 'date-time', description: 'UTC' })
  signedAt!: string;

  @ApiProperty({ enum: SIGNATURE_MEANINGS })
  meaning!: SignatureMeaning;

  @ApiProperty({
    enum: ['password', 'session'],
    description: 'password: re-entered for this signing; session: a later signing in the session',
  })
  method!: SignatureMethod;
}
