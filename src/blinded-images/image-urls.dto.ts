import { ApiProperty } from '@nestjs/swagger';

/** The response schema of image-urls.ts, for the rater's and the adjudicator's task. */
export class ImageSizesDto {
  @ApiProperty({ example: '/api/v1/reads/{id}/images/top?size=thumb' })
  thumb!: string;

  @ApiProperty()
  display!: string;

  @ApiProperty()
  full!: string;
}

/** Image URLs name only the task and the view, never the set. */
export class ImageUrlsDto {
  @ApiProperty({ type: () => ImageSizesDto })
  top!: ImageSizesDto;

  @ApiProperty({ type: () => ImageSizesDto })
  back!: ImageSizesDto;

  @ApiProperty({ type: () => ImageSizesDto })
  left!: ImageSizesDto;

  @ApiProperty({ type: () => ImageSizesDto })
  right!: ImageSizesDto;
}
