import { Field, ObjectType } from "type-graphql";
import type { ModelRow } from "../../db/schema/index.js";

/** What goes in and out of a model, in OpenRouter's terms. */
@ObjectType({ description: "A model's modalities and tokenizer." })
export class Architecture {
  @Field({ description: 'Inputs and outputs in one string, as OpenRouter shows them: "text+image->text".' })
  modality!: string;

  @Field(() => [String], { description: "What the model accepts: text, image, file, audio." })
  inputModalities!: string[];

  @Field(() => [String], { description: "What the model produces: text, image, audio, embeddings." })
  outputModalities!: string[];

  @Field({ description: "Tokenizer family (GPT, Claude, Gemini, Llama3, ...)." })
  tokenizer!: string;

  @Field(() => String, { nullable: true, description: "Chat template of open-weight models (llama3, chatml, ...), when known." })
  instructType!: string | null;

  static from(model: ModelRow): Architecture {
    return Object.assign(new Architecture(), {
      modality: `${model.inputModalities.join("+")}->${model.outputModalities.join("+")}`,
      inputModalities: model.inputModalities,
      outputModalities: model.outputModalities,
      tokenizer: model.tokenizer,
      instructType: model.instructType,
    });
  }
}
