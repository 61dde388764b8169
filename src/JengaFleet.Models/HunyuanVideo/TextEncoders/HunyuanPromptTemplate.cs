namespace JengaFleet.Models.HunyuanVideo.TextEncoders;

/// <summary>
/// HunyuanVideo's instruction template for the LLM encoder (<c>PROMPT_TEMPLATE</c> in the official
/// <c>hyvideo/constants.py</c>): a Llama-3 chat prompt whose first <see cref="CropStart"/> tokens (begin-of-text
/// included) are the instruction, dropped from the encoder output. The texts are part of the model's contract.
/// </summary>
public sealed record HunyuanPromptTemplate(string Name, string Text, int CropStart)
{
    /// <summary>Placeholder replaced by the prompt.</summary>
    public const string Placeholder = "{}";

    /// <summary>Tokens kept after the crop (<c>text_len</c> of the official code).</summary>
    public const int DefaultTextLength = 256;

    /// <summary><c>dit-llm-encode-video</c>: text-to-video.</summary>
    public static HunyuanPromptTemplate Video { get; } = new(
        "dit-llm-encode-video",
        "<|start_header_id|>system<|end_header_id|>\n\nDescribe the video by detailing the following aspects: "
        + "1. The main content and theme of the video."
        + "2. The color, shape, size, texture, quantity, text, and spatial relationships of the objects."
        + "3. Actions, events, behaviors temporal relationships, physical movement changes of the objects."
        + "4. background environment, light, style and atmosphere."
        + "5. camera angles, movements, and transitions used in the video:<|eot_id|>"
        + "<|start_header_id|>user<|end_header_id|>\n\n{}<|eot_id|>",
        95);

    /// <summary><c>dit-llm-encode</c>: single-image (one-frame) generation.</summary>
    public static HunyuanPromptTemplate Image { get; } = new(
        "dit-llm-encode",
        "<|start_header_id|>system<|end_header_id|>\n\nDescribe the image by detailing the color, shape, size, texture, "
        + "quantity, text, spatial relationships of the objects and background:<|eot_id|>"
        + "<|start_header_id|>user<|end_header_id|>\n\n{}<|eot_id|>",
        36);

    /// <summary>The text the tokenizer sees: the prompt, stripped of surrounding whitespace, in the template.</summary>
    public string Apply(string prompt)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        var at = Text.IndexOf(Placeholder, StringComparison.Ordinal);
        return string.Concat(Text.AsSpan(0, at), prompt.Trim(), Text.AsSpan(at + Placeholder.Length));
    }

    /// <summary>The instruction part before the prompt (what <see cref="CropStart"/> counts, less begin-of-text).</summary>
    public string Prefix => Text[..Text.IndexOf(Placeholder, StringComparison.Ordinal)];

    /// <summary>Tokenizer length: <c>text_len + crop_start</c> (351 for video, 292 for image).</summary>
    public int MaxLength(int textLength = DefaultTextLength) => textLength + CropStart;
}
