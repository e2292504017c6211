// The rules (the /rules/ page and the table's help tab): draws each example's pieces with the
// same tokens as the table.

import { pieceToken } from "./render.js";

/** Fill every ``[data-pieces]`` example under ``root`` (once). */
export function drawExamples(root = document) {
  for (const example of root.querySelectorAll(".example[data-pieces]:empty")) {
    example.classList.add("pieces");
    example.append(...example.dataset.pieces.split(" ").map((kind) => pieceToken(kind)));
  }
}

drawExamples();
