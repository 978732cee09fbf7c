import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { IsEmail, IsString, MaxLength, MinLength } from 'class-validator';

@ApiSchema({ name: 'TokenRequest', description: 'Email and password of a staff account' })
export class TokenRequestDto {
  @ApiProperty({ format: 'email', maxLength: 254, example: 'berater@run-mainz.example' })
  @IsEmail()
  @MaxLength(254)
  email: string;

  @ApiProperty({ minLength: 1, maxLength: 1024, example: 'correct horse battery staple' })
  @IsString()
  @MinLength(1)
  @MaxLength(1024)
  password: string;
}

@ApiSchema({
  name: 'Token',
  description: 'A bearer token: send it as `Authorization: Bearer <accessToken>`',
})
export class TokenResponseDto {
  @ApiProperty({
    description: 'A signed JWT',
    example: 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIuLi4ifQ.c2lnbmF0dXJl',
  })
  accessToken: string;

  @ApiProperty({ enum: ['Bearer'], example: 'Bearer' })
  tokenType: 'Bearer';

  @ApiProperty({ type: 'integer', minimum: 1, description: 'Lifetime in seconds', example: 900 })
  expiresIn: number;
}
