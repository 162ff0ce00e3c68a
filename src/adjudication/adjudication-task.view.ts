import { imageUrls, ImageUrls } from '../blinded-images/image-urls';
import { DiscordanceRule, DiscordanceRuleName } from '../scoring/discordance';
import { AdjudicationChoice, AdjudicationDecisionEntity } from './adjudication.entities';
import { ScoresWithSalt } from './adjudication.repository';

/**
 * What an adjudicator sees (api-shapes.md AdjudicationTask): the two reads as "Read A" and
 * "Read B" with their SALT and the rules that fired — never who read them, nor the subject,
 * visit or set.
 */
export interface AdjudicationTaskView {
  id: string;
  code: string;
  status: 'open' | 'decided';
  images: ImageUrls;
  readA: ScoresWithSalt;
  readB: ScoresWithSalt;
  difference: number;
  rulesFired: DiscordanceRuleName[];
  rules: DiscordanceRule;
  allowOwn: boolean;
  decision: {
    choice: AdjudicationChoice;
    finalSalt: number;
    rationale: string;
    decidedAt: string;
  } | null;
  /** Only when a coordinator confirmed the images after an image query: typed by them. */
  queryComment?: string;
}

export function decisionView(
  decision: AdjudicationDecisionEntity | null,
): AdjudicationTaskView['decision'] {
  return decision
    ? {
        choice: decision.choice,
        finalSalt: decision.salt,
        rationale: decision.rationale,
        decidedAt: decision.decidedAt.toISOString(),
      }
    : null;
}

export { imageUrls };
